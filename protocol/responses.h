// Every fixed reply of the text protocol (classic and meta), written once, byte for byte as memcached
// 1.6.18 sends it (the trailing "\r\n" included). Replies with numbers in them are built by
// response_writer.h from the pieces at the end of this file.
#pragma once

#include <string_view>

namespace memstripe::protocol::reply {

// Storage, retrieval and key commands.
inline constexpr std::string_view kStored = "STORED\r\n";
inline constexpr std::string_view kNotStored = "NOT_STORED\r\n";
inline constexpr std::string_view kExists = "EXISTS\r\n";
inline constexpr std::string_view kNotFound = "NOT_FOUND\r\n";
inline constexpr std::string_view kDeleted = "DELETED\r\n";
inline constexpr std::string_view kTouched = "TOUCHED\r\n";
inline constexpr std::string_view kEnd = "END\r\n";
inline constexpr std::string_view kOk = "OK\r\n";
inline constexpr std::string_view kReset = "RESET\r\n";

// Errors.
inline constexpr std::string_view kError = "ERROR\r\n";
inline constexpr std::string_view kBadCommandLineFormat = "CLIENT_ERROR bad command line format\r\n";
inline constexpr std::string_view kBadCommandLine = "CLIENT_ERROR bad command line\r\n";
inline constexpr std::string_view kBadDataChunk = "CLIENT_ERROR bad data chunk\r\n";
// Two spaces after the period, as memcached writes it.
inline constexpr std::string_view kDeleteUsage =
    "CLIENT_ERROR bad command line format.  Usage: delete <key> [noreply]\r\n";
inline constexpr std::string_view kNonNumericValue =
    "CLIENT_ERROR cannot increment or decrement non-numeric value\r\n";
inline constexpr std::string_view kInvalidDelta = "CLIENT_ERROR invalid numeric delta argument\r\n";
inline constexpr std::string_view kInvalidExptime = "CLIENT_ERROR invalid exptime argument\r\n";
inline constexpr std::string_view kTooLarge = "SERVER_ERROR object too large for cache\r\n";
inline constexpr std::string_view kOutOfMemoryStoring = "SERVER_ERROR out of memory storing object\r\n";
inline constexpr std::string_view kOutOfMemory = "SERVER_ERROR out of memory\r\n";
inline constexpr std::string_view kOutOfMemoryCreating = "SERVER_ERROR Out of memory allocating new item\r\n";

// Authentication.
inline constexpr std::string_view kUnauthenticated = "CLIENT_ERROR unauthenticated\r\n";
inline constexpr std::string_view kAuthenticationFailure = "CLIENT_ERROR authentication failure\r\n";
inline constexpr std::string_view kBadAuthTokenFormat = "CLIENT_ERROR bad authentication token format\r\n";
inline constexpr std::string_view kBadLineTermination = "CLIENT_ERROR bad command line termination\r\n";

// Connections: to a client over the connection limit (-c), which is then closed.
inline constexpr std::string_view kTooManyConnections = "ERROR Too many open connections\r\n";

// Administration.
inline constexpr std::string_view kFlushDisabled = "CLIENT_ERROR flush_all not allowed\r\n";
inline constexpr std::string_view kShutdownDisabled = "ERROR: shutdown not enabled\r\n";
inline constexpr std::string_view kInvalidShutdownMode = "CLIENT_ERROR invalid shutdown mode\r\n";
inline constexpr std::string_view kMemlimitTooSmall =
    "MEMLIMIT_TOO_SMALL cannot set maxbytes to less than 8m\r\n";
inline constexpr std::string_view kMemlimitNotMegabytes =
    "MEMLIMIT_ADJUST_FAILED input value is megabytes not bytes\r\n";
inline constexpr std::string_view kMemlimitOutOfBounds =
    "MEMLIMIT_ADJUST_FAILED out of bounds or unable to adjust\r\n";
inline constexpr std::string_view kSlabReassignDisabled = "CLIENT_ERROR slab reassignment disabled\r\n";
inline constexpr std::string_view kLruPercentsTooLarge = "ERROR hot and warm pcts must not exceed 80\r\n";
inline constexpr std::string_view kLruFactorsNotPositive =
    "ERROR hot/warm age factors must be greater than 0\r\n";
inline constexpr std::string_view kCrawlerSleepTooLong = "CLIENT_ERROR sleep must be one second or less\r\n";
inline constexpr std::string_view kCrawlerDisabled = "CLIENT_ERROR lru crawler disabled\r\n";
inline constexpr std::string_view kCrawlerBadClass = "BADCLASS invalid class id\r\n";
inline constexpr std::string_view kMetadumpDisabled = "ERROR metadump not allowed\r\n";
inline constexpr std::string_view kWatchDisabled = "CLIENT_ERROR watch commands not allowed\r\n";

// stats.
inline constexpr std::string_view kDetailUsage = "CLIENT_ERROR usage: stats detail on|off|dump\r\n";
inline constexpr std::string_view kCachedumpDisabled = "CLIENT_ERROR stats cachedump not allowed\r\n";
inline constexpr std::string_view kIllegalSlabId = "CLIENT_ERROR Illegal slab id\r\n";

// The meta protocol. Replies are built from a two-letter return code, the flags the
// request asked for, and "\r\n"; mn's and a miss's are fixed.
inline constexpr std::string_view kMetaNoop = "MN\r\n";
inline constexpr std::string_view kMetaMissCode = "EN";
inline constexpr std::string_view kMetaStoredCode = "HD";  // also a hit without a value, a delete
inline constexpr std::string_view kMetaValueCode = "VA";
inline constexpr std::string_view kMetaNotStoredCode = "NS";
inline constexpr std::string_view kMetaExistsCode = "EX";
inline constexpr std::string_view kMetaNotFoundCode = "NF";
inline constexpr std::string_view kMetaDebugPrefix = "ME ";
// Meta errors, each where memcached gives it (meta_parser.h says which command gives which).
inline constexpr std::string_view kInvalidFlag = "CLIENT_ERROR invalid flag\r\n";
inline constexpr std::string_view kDuplicateFlag = "CLIENT_ERROR duplicate flag\r\n";
inline constexpr std::string_view kInvalidOrDuplicateFlag = "CLIENT_ERROR invalid or duplicate flag\r\n";
inline constexpr std::string_view kBadFlagToken = "CLIENT_ERROR bad token in command line format\r\n";
inline constexpr std::string_view kErrorDecodingKey = "CLIENT_ERROR error decoding key\r\n";
inline constexpr std::string_view kOpaqueTooLong = "CLIENT_ERROR opaque token too long\r\n";
inline constexpr std::string_view kMetaGetFlagsTooLong = "CLIENT_ERROR options flags are too long\r\n";
inline constexpr std::string_view kMetaFlagsTooLong = "CLIENT_ERROR options flags too long\r\n";
inline constexpr std::string_view kModeTokenLength = "CLIENT_ERROR incorrect length for M token\r\n";
inline constexpr std::string_view kInvalidInitialValue = "CLIENT_ERROR invalid numeric initial value\r\n";
inline constexpr std::string_view kInvalidDeltaValue = "CLIENT_ERROR invalid numeric delta value\r\n";
inline constexpr std::string_view kInvalidSetMode = "CLIENT_ERROR invalid mode for ms M token\r\n";
inline constexpr std::string_view kInvalidArithmeticMode = "CLIENT_ERROR invalid mode for ma M token\r\n";

// Pieces of built replies.
inline constexpr std::string_view kCrlf = "\r\n";
inline constexpr std::string_view kValuePrefix = "VALUE ";
inline constexpr std::string_view kStatPrefix = "STAT ";
inline constexpr std::string_view kVersionPrefix = "VERSION ";
inline constexpr std::string_view kNoreply = "noreply";

}  // namespace memstripe::protocol::reply
