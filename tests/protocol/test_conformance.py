"""memstripe answers the text protocol, classic and meta, byte for byte as memcached 1.6.18
does.

Each case is sent, on a fresh connection, to Debian's memcached (run without the
machinery memstripe does not have: slab reassignment, the LRU maintainer and crawler,
watchers) and to memstripe; the bytes each sends back (and whether it closes the
connection) must be the same. CAS uniques differ between servers: each server's are
numbered in the order they first appear (<cas0>, <cas1>, ...), so a reply that repeats a
CAS, or a request that sends one back ({cas0} in META_STEP_CASES), is still compared. The
deliberate deviations (README) are not in this list; tests/protocol/session_*_test.cc pin
memstripe's side of them. Meta cases avoid what memcached does differently depending on
whether an earlier reply in the same read still holds the item (ma's in-place update and
its T), which is timing, not protocol."""

import re
import socket

import pytest

from harness import ServerProcess

SENTINEL_SET = b"set __conformance__ 0 0 8\r\nS3NT1NEL\r\nget __conformance__\r\n"
SENTINEL_REPLY = b"S3NT1NEL\r\nEND\r\n"
K250 = b"k" * 250
K251 = b"k" * 251
BIG = 2 * 1024 * 1024

CASES = {
    # Storage commands.
    "set_then_get": b"set a 5 0 5\r\nhello\r\nget a\r\n",
    "data_block_holds_crlf": b"set a 0 0 6\r\nab\r\ncd\r\nget a\r\n",
    "empty_value": b"set e 0 0 0\r\n\r\nget e\r\nincr e 1\r\n",
    "add_replace_append_prepend": b"append a 0 0 1\r\nx\r\nadd a 5 0 1\r\nx\r\nadd a 0 0 1\r\ny\r\n"
                                  b"replace zz 0 0 1\r\nx\r\nappend a 7 0 2\r\nyz\r\nprepend a 9 0 2\r\nuv\r\nget a\r\n",
    "cas_errors": b"set a 0 0 1\r\nx\r\ncas a 0 0 1 999\r\ny\r\ncas b 0 0 1 1\r\ny\r\ncas a 0 0 1\r\ny\r\n"
                  b"cas a 0 0 1 x\r\ny\r\ncas a 0 0 1 1 noreply\r\ny\r\ncas a 0 0 1 1 garbage\r\nz\r\n"
                  b"cas a 0 0 1 1 noreply x\r\ny\r\ncas a 0 0 1 0\r\ny\r\n",
    "noreply_storage": b"set a 0 0 1 noreply\r\nx\r\nadd a 0 0 1 noreply\r\ny\r\nreplace zz 0 0 1 noreply\r\ny\r\n"
                       b"append a 0 0 1 noreply\r\nb\r\nprepend a 0 0 1 noreply\r\nc\r\nget a\r\n"
                       b"set " + K251 + b" 0 0 1 noreply\r\nx\r\n",
    "storage_line_errors": b"set " + K251 + b" 0 0 1\r\nx\r\nset a x 0 1\r\nx\r\nset a 0 x 1\r\nx\r\n"
                           b"set a 0 0 x\r\nx\r\nset a 0 0 -1\r\nx\r\nset a 0 0 1 noreply extra\r\nx\r\n"
                           b"set a 0 0 1 garbage\r\nx\r\nset a 0 0\r\nx\r\nset a 0 0 2147483646\r\n"
                           b"set a 0 0 4294967295\r\n",
    "numbers_truncate": b"set a 4294967296 0 1\r\nx\r\nget a\r\nset a 18446744073709551615 0 1\r\nx\r\nget a\r\n"
                        b"set a -1 0 1\r\nx\r\nset a 0 0 4294967297\r\nx\r\nget a\r\nset a 0 4294967296 1\r\ny\r\n"
                        b"get a\r\nset a 0 4294967295 1\r\nz\r\nget a\r\nset a 0 -1 1\r\nz\r\nget a\r\n"
                        b"set a +5 0 1\r\nx\r\nget a\r\nset a \t5 0 1\r\nx\r\nget a\r\nset a 5\tz 0 1\r\ny\r\nget a\r\n"
                        b"set a -0 0 1\r\nx\r\nget a\r\nset a -18446744073709551615 0 1\r\ny\r\nget a\r\n",
    "exptime_out_of_range": b"set a 0 9223372036854775808 1\r\nx\r\nset a 0 -9223372036854775808 1\r\ny\r\nget a\r\n",
    "bad_data_chunk": b"set a 0 0 3\r\nabcde\r\nget a\r\nset a 0 0 3\r\nab\r\n\r\nset a 0 0 1\r\nx\nget a\r\n"
                      b"set a 0 0 3 noreply\r\nabcde\r\nset a 0 0 0\r\nxy\r\n",
    "too_large_set_drops_old_value": b"set a 0 0 1\r\nx\r\nset a 0 0 %d\r\n" % BIG + b"y" * BIG + b"\r\nget a\r\n"
                                     b"set b 0 0 1\r\nx\r\nset b 0 0 %d noreply\r\n" % BIG + b"y" * BIG + b"\r\nget b\r\n",
    "too_large_other_modes_keep_old_value": b"set a 0 0 1\r\nx\r\n" + b"".join(
        cmd + b" a 0 0 %d\r\n" % BIG + b"y" * BIG + b"\r\nget a\r\n" for cmd in (b"add", b"replace", b"append", b"prepend")),
    "large_value_roundtrip": b"set big 3 0 100000\r\n" + bytes(range(256)) * 390 + b"x" * 160 + b"\r\nget big big\r\n",
    # Retrieval.
    "get_variants": b"set a 1 0 1\r\nA\r\nget a a\r\nget\r\ngets\r\nget b\r\nget a b a\r\nget " + K250 + b"\r\n"
                    b"get a " + K251 + b" a\r\nget a\r\nbget a\r\nget noreply\r\n",
    "gat_variants": b"set a 1 0 1\r\nA\r\ngat 100 a\r\ngat x a\r\ngat 100\r\ngats\r\ngat -1 a\r\nget a\r\n"
                    b"set a 0 0 1\r\nx\r\ngat 0 a noreply\r\n",
    "gets_masks_cas": b"set a 1 0 1\r\nA\r\ngets a\r\ngats 100 a b\r\n",
    # (One refused multi-get per case: memcached sometimes drops the replies of commands
    # pipelined before one, a bug memstripe does not copy.)
    "many_keys": b"set a 0 0 1\r\nx\r\nget " + b"b " * 30 + b"a\r\nget " + b"a " * 30 + K251 + b"\r\n",
    "long_key_first_of_many": b"get " + K251 + b" " + b"a " * 30 + b"\r\n",
    "odd_keys": b"set a\tb 0 0 1\r\nx\r\nget a\tb\r\nget a\r\nset \x01\x80\xff 0 0 1\r\nx\r\nget \x01\x80\xff\r\n"
                b"set a\rb 0 0 1\r\nx\r\nget a\rb\r\nget a\r\r\n",
    # Key commands.
    "delete_variants": b"set a 0 0 1\r\nx\r\ndelete a 0\r\ndelete a\r\ndelete a noreply\r\ndelete a 1\r\n"
                       b"delete " + K251 + b"\r\ndelete " + K251 + b" 1\r\ndelete a 0 x\r\ndelete a x noreply\r\n"
                       b"delete a x y z\r\ndelete\r\n",
    "incr_variants": b"set n 0 0 2\r\n10\r\nincr n\r\nincr n -1\r\nincr n 18446744073709551616\r\nincr n abc\r\n"
                     b"incr n 5\r\ndecr n 100\r\nincr nx 1\r\nincr n 1 noreply\r\nincr n 1 x\r\nincr n 1 x y\r\n"
                     b"set t 0 0 2\r\nab\r\nincr t 1\r\nincr t 1 noreply\r\nincr " + K251 + b" 1\r\nincr n +3\r\n"
                     b"incr n  \t4\r\nincr n 5\t\r\nincr n 5x\r\n",
    "incr_wraps_and_decr_pads": b"set n 0 0 20\r\n18446744073709551615\r\nincr n 2\r\nset m 0 0 3\r\n100\r\n"
                                b"decr m 1\r\nget m\r\ndecr m 200\r\nget m\r\n",
    "touch_variants": b"set a 0 0 1\r\nx\r\ntouch a\r\ntouch a x\r\ntouch a 10\r\ntouch b 10\r\n"
                      b"touch a 10 noreply\r\ntouch a 10 zz\r\ntouch " + K251 + b" 1\r\ntouch a -1\r\nget a\r\n",
    # Administration.
    "flush_variants": b"set a 0 0 1\r\nx\r\nflush_all\r\nget a\r\nflush_all 0\r\nflush_all noreply\r\n"
                      b"flush_all garbage\r\nflush_all 0 garbage\r\nflush_all 1 2 3\r\nflush_all -1\r\n"
                      b"flush_all noreply x\r\n",
    "verbosity": b"verbosity\r\nverbosity 1\r\nverbosity x\r\nverbosity 1 noreply\r\nverbosity 1 2\r\n"
                 b"verbosity 1 2 3\r\nverbosity noreply\r\nverbosity 5\r\nverbosity -1\r\nverbosity 0\r\n",
    "cache_memlimit": b"cache_memlimit\r\ncache_memlimit 5\r\ncache_memlimit 100\r\ncache_memlimit x\r\n"
                      b"cache_memlimit 2000000000\r\ncache_memlimit 64 noreply\r\ncache_memlimit 8 9\r\n"
                      b"cache_memlimit 1 2 3\r\ncache_memlimit -1\r\ncache_memlimit 64\r\n",
    "shutdown_not_enabled": b"shutdown\r\nshutdown graceful\r\nshutdown x\r\n",
    "slabs": b"slabs\r\nslabs reassign 1 2\r\nslabs reassign x 2\r\nslabs automove 1\r\nslabs automove 3\r\n"
             b"slabs automove x\r\nslabs automove ratio 0.5\r\nslabs automove ratio\r\nslabs foo\r\n"
             b"slabs automove 0 noreply\r\nslabs automove 1\r\n",
    "lru": b"lru\r\nlru tune 10 25 0.1 2.0\r\nlru tune 50 50 0.1 2.0\r\nlru tune 10 25 0 2.0\r\n"
           b"lru tune x 25 0.1 2.0\r\nlru mode flat\r\nlru mode x\r\nlru temp_ttl 10\r\nlru foo\r\n"
           b"lru tune 10 25 0.1 2.0 noreply\r\n",
    "lru_crawler": b"lru_crawler\r\nlru_crawler crawl all\r\nlru_crawler tocrawl 10\r\nlru_crawler tocrawl x\r\n"
                   b"lru_crawler sleep 10\r\nlru_crawler sleep 2000000\r\nlru_crawler sleep x\r\nlru_crawler foo\r\n"
                   b"lru_crawler crawl 1 2\r\nlru_crawler crawl 999\r\nlru_crawler enable\r\nlru_crawler disable\r\n",
    "watch_refused": b"watch\r\nwatch fetchers\r\nwatch noreply\r\n",
    "stats_subcommand_errors": b"stats detail\r\nstats detail on\r\nstats detail dump\r\nstats detail off\r\n"
                               b"stats detail x\r\nstats cachedump 1\r\nstats cachedump 64 1\r\n"
                               b"stats cachedump -1 1\r\nstats cachedump 1 x\r\nstats sizes\r\nstats foo\r\n"
                               b"stats reset\r\n",
    # Lines and connections.
    "unknown_and_empty_lines": b"x\r\nxx\r\nfoo bar\r\n\r\n\n \r\n  version\r\nversion extra\r\nVERSION\r\n"
                               b"\r\r\nversion\r\r\nversion \r\n",
    "bare_newlines": b"set a 0 0 1\nx\r\nget a\nversion\n",
    "tab_is_not_a_separator": b"get\ta\r\nversion\t\r\n",
    "nul_ends_the_line": b"set a 0 0 1\r\nx\r\nget a\x00b c\r\nversion\x00junk\r\n",
    "http_inside_a_command_branch": b"get / HTTP/1.1\r\ngxx / HTTP/1.1\r\nsxx HTTP/1.1\r\nmz HTTP/1.1\r\n"
                                    b"X HTTP/1.1\r\nfoo HTTP/1.1 x\r\nfoo / http/1.1\r\nreplace a HTTP/1.1\r\n",
    "too_many_tokens": b"set a 0 0 1 " + b"x " * 30 + b"\r\nfoo " + b"x " * 22 + b"HTTP/1.1 y\r\n",
    "pipeline": b"".join(b"set k%d 0 0 2\r\nv%d\r\n" % (i, i % 10) for i in range(50))
                + b"get " + b" ".join(b"k%d" % i for i in range(50)) + b"\r\n",
    "unknown_commands_of_features_not_built": b"misbehave\r\ndebugtime 1\r\n",
}

K = b"k" * 250
LONG_OPAQUE = b"O" + b"o" * 32

META_CASES = {
    "meta_get_hit_and_miss_flags": b"ms k 5 F7 T100\r\nhello\r\nmg k\r\nmg k v\r\nmg k s v t f c k Oxy h l\r\n"
                                   b"mg k Oxy k c f t s\r\nmg nothing v t Oab c k s\r\nmg nothing k Oab\r\n"
                                   b"mg k P/path Lx s\r\nmg k O\r\nmg k u h\r\nmg k h\r\nmg k h\r\n",
    "meta_get_quiet": b"ms k 1\r\nx\r\nmg nothing q v Oa k\r\nmg k q v Ob\r\nmg k q Zz\r\nmg k q Tx\r\nmn\r\n",
    "meta_get_errors": b"mg\r\nmg " + K + b"k Zz\r\nmg k 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\r\n"
                       b"mg k 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r\nmg k v v\r\nmg k kx k\r\n"
                       b"mg k \x7f\r\nmg k \xff\r\nmg k E\r\nmg k S\r\nmg k x\r\nmg k Tx\r\nmg k T\r\nmg k Nx\r\n"
                       b"mg k R-\r\nmg k C-1\r\nmg k Fx\r\nmg k Jx\r\nmg k D\r\nmg k M\r\nmg k Mxy\r\n"
                       b"mg a b Jx\r\nmg a Jx b\r\nmg a Jx Zz\r\nmg a D C F J I\r\nmg k Fx Tx\r\nmg k \tx\r\n"
                       b"mg k " + LONG_OPAQUE + b" q\r\nmg k O" + b"o" * 31 + b"\r\n",
    "meta_get_every_flag_accepted": b"mg YQ== b c f h k l O P L q s\r\nmg a t u v N1 R1 T1 F1 C1 J1 D1 I\r\n"
                                    b"mg a t v\r\n",
    "meta_ttl_in_request_order": b"ms k 1 T100\r\nx\r\nmg k t T50\r\nmg k t\r\nmg k T70 t\r\nmg k T0 t\r\n"
                                 b"mg a t N30 T40\r\nmg a t\r\nmg b t T40 N30\r\nmg b t\r\nmg c N30 t T40\r\n"
                                 b"mg c t\r\nmg d T40 t N30\r\nmg d t\r\nmg k T2592000 t\r\nmg k T-1\r\nmg k\r\n",
    "meta_vivify_and_recache": b"mg k N30 v t s\r\nmg k N30 v t\r\nget k\r\nms r 1 T100\r\nx\r\nmg r R30 t\r\n"
                               b"mg r R200 t\r\nmg r R200 t\r\nmg r t\r\nms s 1\r\nx\r\nmg s R30\r\n"
                               b"ms j 1 T100\r\nx\r\nmg j R90 T50\r\nms i 1 T100\r\nx\r\nmg i T50 R90\r\n",
    "meta_stale_while_revalidate": b"ms k 2 T100\r\nv1\r\nmd k I q\r\nmg k v t c\r\nmg k v c\r\nmg k c\r\n"
                                   b"ms k 2 T100\r\nv2\r\nmg k v\r\nmd k I T5\r\nmg k t\r\nmd k I\r\nmg k t\r\n"
                                   b"ms n 1 I\r\nx\r\nmg n\r\n",
    "meta_set_flags_and_modes": b"ms k 2 F9 T100\r\nhi\r\nmg k f t v\r\nms k 2 F4294967296\r\nhi\r\nmg k f\r\n"
                                b"ms k 0\r\n\r\nmg k v\r\nms k 1 k Oab c\r\nx\r\nms k 1 ME c k\r\ny\r\n"
                                b"ms e 1 ME\r\na\r\nms r 1 MR\r\na\r\nms e 1 MR O1\r\nb\r\nms p 1 MA\r\nx\r\n"
                                b"ms p 1 MS\r\nx\r\nms p 1 MA\r\ny\r\nms p 1 MP\r\nz\r\nmg p v\r\n"
                                b"ms k 1 v t s h l u N1 R1 D1 J1 P L f\r\nx\r\nms x 1 T-1\r\nx\r\nmg x\r\n"
                                b"set c 5 0 2\r\nhi\r\nmg c f v\r\nms c 2 F7\r\nyo\r\nget c\r\n",
    "meta_set_cas": b"ms k 1\r\nx\r\nms k 1 C1\r\ny\r\nms nothing 1 C1\r\ny\r\nms k 1 C0\r\nz\r\n"
                    b"ms k 1 MR C1 c\r\ny\r\nms k 1 MA C1\r\ny\r\nms k 1 MA C0\r\ny\r\nms k 1 ME C1\r\ny\r\n"
                    b"ms zz 1 MR C1 c\r\nq\r\nmg k v\r\n",
    "meta_set_quiet": b"ms k 1 q\r\nx\r\nms k 1 q ME\r\nz\r\nms k 1 q C1\r\nz\r\nms n 1 q MR\r\nz\r\n"
                      b"ms k 1 q MA C999\r\nq\r\nmn\r\nmg k v\r\n",
    "meta_set_errors_and_data_blocks": b"ms\r\nms k\r\nxx\r\nms k x\r\nxx\r\nms k -1\r\nxx\r\nms k 2147483646\r\n"
                                       b"ms " + K + b"k 1\r\nx\r\n"
                                       b"ms k 1 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\r\nx\r\n"
                                       b"ms k 2 Zz\r\nxx\r\nms k 2 q q\r\nxx\r\nms k 2 Tx\r\nxx\r\nms k 2 F-1\r\nxx\r\n"
                                       b"ms k 2 MEE\r\nxx\r\nms k 2 " + LONG_OPAQUE + b"\r\nxx\r\nms Zm9 2 b\r\nxx\r\n"
                                       b"ms k 2 Ms\r\nxx\r\nms k 2 MX " + LONG_OPAQUE + b"\r\nxx\r\n"
                                       b"ms k 10 Zz\r\nmn\r\nmn\r\nmn\r\nmn\r\nmg k\r\n",
    "meta_set_bad_data_chunk": b"ms k 3\r\nabcde\r\nmg k\r\nms k 1 q\r\nxyz\r\nms k 1\r\nx\nmg k v\r\n",
    "meta_set_too_large": b"ms k 1\r\nx\r\nms k %d q\r\n" % BIG + b"y" * BIG + b"\r\nmg k v\r\n"
                          b"ms e 1\r\nx\r\nms e %d ME\r\n" % BIG + b"y" * BIG + b"\r\nmg e v\r\n",
    "meta_delete": b"ms k 1\r\nx\r\nmd k Oab k\r\nmd k k Oab\r\nms k 1\r\nx\r\nms j 1\r\nx\r\n"
                   b"md k q\r\nmd k q\r\nmd j q C1\r\nmd j C0\r\nmd j\r\nmd\r\nmd " + K + b"k\r\n"
                   b"md k 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\r\nmd k Zz\r\nmd k q q\r\nmd k Tx\r\n"
                   b"md k E\r\nms k 1 T100\r\nx\r\nmd k q " + LONG_OPAQUE + b"\r\nmg k\r\n"
                   b"md k T30\r\nmg k t\r\nms k 1 T100\r\nx\r\nmd k I T30 q\r\nmg k t\r\nmd k I\r\n"
                   b"mg k t\r\nmg k\r\nmn\r\n",
    "meta_arithmetic": b"ma n\r\nma n v Oab k\r\nset n 0 0 2\r\n10\r\nma n\r\nma n D5 v\r\n"
                       b"ma n MD D3 v\r\nma n M- v\r\nma n M+ v\r\nma n MI D100 v\r\nma n Mi\r\nma n Md\r\n"
                       b"ma n MX\r\nma n Mxy\r\nma n Dx\r\nma n D-1\r\nma n C1\r\nma n C0 v\r\n"
                       b"ma nothing C0\r\nma m N0 J18446744073709551615 v\r\nma m v\r\nma m N0 J7 v\r\n"
                       b"set d 0 0 1\r\n5\r\nma d MD D9 v\r\nset t 0 0 2\r\nab\r\nma t\r\nma t q\r\n"
                       b"set e 0 0 0\r\n\r\nma e\r\nma\r\nma " + K + b"k\r\n"
                       b"ma k 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18\r\n",
    "meta_arithmetic_quiet": b"set n 0 0 1\r\n1\r\nma n q\r\nma x q\r\nma n q C1\r\nma y q N0\r\nma y q\r\n"
                             b"mn\r\nget n y\r\n",
    "meta_arithmetic_ttl": b"ma a t N50 T100 v\r\nma b T100 N50 t\r\nma c N50 t T100\r\nma x v N10 t J99\r\n"
                           b"ma w T100 t N5 v\r\n",
    "meta_arithmetic_long_opaque": b"ma n N0 J5 q " + LONG_OPAQUE + b"\r\nma x " + LONG_OPAQUE + b"\r\n"
                                   b"ma n q " + LONG_OPAQUE + b"\r\n",
    "meta_base64_keys": b"ms Zm9v 3 b k c\r\nbar\r\nmg foo k v\r\nget foo\r\nmg Zm9v b k v\r\n"
                        b"set plain 0 0 1\r\nx\r\nmg cGxhaW4= b k\r\nmg cGxh aW4= b k\r\nmg cG?xhaW4= b k\r\n"
                        b"mg cGxhaW4=garbage b k\r\nmg QQ==QUJD b k\r\nmg Q=QQ b k\r\nmg ==== b k\r\n"
                        b"mg A=== b k\r\nmg Zm9 b\r\nmd Zm9 b\r\nma Zm9 b\r\nmd YQ== b k\r\n"
                        b"ma YmF6 b N0 k\r\nmg baz k\r\nmd Zm9v b k\r\nmg foo\r\n",
    "meta_noop_debug_and_unknown": b"mn\r\nmn x y\r\nmz k\r\nmgx k\r\nme\r\nme nothing\r\nme " + K + b"k\r\n"
                                   b"me Zm9 b\r\nme YQ== b\r\n",
    "meta_mixed_with_classic": b"set x 0 0 1\r\n1\r\nmg x v f\r\nincr x 5\r\nget x\r\nms x 2 F3 MA\r\n00\r\n"
                               b"gets zz\r\nmg x s f t\r\ndelete x\r\nmd x q\r\nversion\r\nmn\r\n",
    "meta_keys_with_control_bytes": b"ms a\tb 1\r\nx\r\nmg a\tb k v\r\nget a\tb\r\nmg a\x01\x80 v\r\n",
}

# Sent a step at a time, each closed by "mn" and read to its "MN": a later step may send
# back a CAS an earlier reply gave ({cas0} is the first one seen).
META_STEP_CASES = {
    "meta_set_with_the_cas_it_was_given": [b"ms k 1 c\r\nx\r\n", b"ms k 1 C{cas0} c\r\ny\r\nms k 1 C{cas0}\r\nz\r\n"],
    "meta_delete_with_the_current_cas": [b"ms k 1\r\nx\r\nmg k c\r\n", b"md k C{cas0} q\r\nmg k\r\n"],
    "meta_arithmetic_with_the_current_cas": [b"set n 0 0 1\r\n1\r\nmg n c\r\n", b"ma n C{cas0} v c\r\nma n C{cas0}\r\n"],
    "meta_stale_set_with_an_older_cas": [b"ms k 1 T100 c\r\nx\r\n", b"md k I\r\nmg k c\r\n",
                                         b"ms k 1 C{cas0} I c\r\ny\r\nmg k v t c\r\n"],
    # A CAS taken from another key, stored earlier, is older than k's: memcached's CAS
    # values are one sequence, so the invalidate-mode set stores k stale (HD) and the next
    # reader wins the recompute (W X), where per-shard CAS values answered EX and h1 alone.
    "meta_stale_set_with_a_cas_from_another_key": [b"ms a 1 c\r\nx\r\n", b"ms k 1 T100\r\nv\r\nmg k h\r\n",
                                                   b"ms k 1 I C{cas0}\r\ny\r\nmg k h v c\r\nmg k h v\r\n"],
    "meta_invalidate_with_the_current_cas": [b"ms k 1 c\r\nx\r\n", b"md k I C{cas0}\r\nmg k c\r\nmd k I C{cas0}\r\n"],
    "meta_arithmetic_touch_in_its_own_read": [b"set n 0 100 2\r\n10\r\n", b"ma n t T200 v\r\n", b"mg n t v\r\n",
                                              b"ma n T300 t MD D5 v\r\n", b"mg n t v\r\n"],
}

# Sent in pieces; memcached closes these connections.
CLOSING_CASES = {
    "http_request": [b"version\r\n", b"GET / HTTP/1.1\r\nversion\r\n"],
    "http_post_in_one_read": [b"version\r\nPOST /x HTTP/1.0\r\n"],
    "http_in_the_23rd_token": [b"foo " + b"x " * 21 + b"HTTP/1.1 y\r\n"],
    "quit_sends_pending_replies": [b"set a 0 0 1\r\nx\r\nget a\r\nquit\r\nget a\r\n"],
    "line_over_2048_without_newline": [b"x" * 2049],
    # memcached closes a long line it has buffered in part; memstripe closes it however it
    # arrives (README: deviations).
    "long_line_in_pieces": [b"x" * 2100, b"\r\nversion\r\n"],
    "long_quit_gets_line_in_pieces": [b"version\r\n" + b" " * 91 + b"quit" + b" " * 7 + b"gets" + b" a" * 1030,
                                      b" a\r\n"],
    "long_gat_without_newline": [b"gat 1 " + b"a " * 1500],
    "long_get_after_101_spaces": [b" " * 101 + b"get " + b"a " * 1200],
}

# Sent in pieces; the connection stays open.
SPLIT_CASES = {
    "line_of_2048_bytes_then_newline": [b"x" * 2048, b"\r\nversion\r\n"],
    "long_get_in_pieces": [b"get " + b"a " * 1500, b"\r\n"],
    "long_gets_after_spaces": [b" " * 100 + b"gets " + b"a " * 1200, b"\r\n"],
    "command_split_anywhere": [b"se", b"t a 0 0 5\r", b"\nhel", b"lo", b"\r", b"\nget a\r\n"],
    "trailer_split": [b"set a 0 0 2\r\nab\r", b"\nget a\r\n"],
    "bad_trailer_split": [b"set a 0 0 2\r\nab", b"\r", b"x", b"get a\r\n"],
    "meta_set_split_anywhere": [b"m", b"s k 5 T0", b" c k\r\nhel", b"lo\r", b"\nmg k v", b" c\r\n"],
    "meta_swallowed_block_in_pieces": [b"ms k 10 Zz\r\nmn", b"\r\nmn\r\n", b"mn\r\nmn\r\n"],
    "meta_quiet_pipeline_in_pieces": [b"ms a 1 q\r\na\r\nmg a v q O1", b" k\r\nmg b v q O2 k\r\nm", b"n\r\n"],
}

# Where a CAS unique shows: gets' VALUE lines, meta's c flag (a token of its own on a reply
# line; an echoed key or opaque starts with k or O) and me's cas=.
CAS_IN_VALUE_LINE = re.compile(rb"^(VALUE \S+ \d+ \d+ )(\d+)(\r)$", re.MULTILINE)
CAS_IN_META_LINE = re.compile(rb"^((?:HD|VA|NS|EX|NF|EN)(?: [^\r\n]*?)? c)(\d+)([ \r])", re.MULTILINE)
CAS_IN_DEBUG_LINE = re.compile(rb"^(ME \S+ exp=\S+ la=\d+ cas=)(\d+)( )", re.MULTILINE)
CAS_PATTERNS = (CAS_IN_VALUE_LINE, CAS_IN_META_LINE, CAS_IN_DEBUG_LINE)


def cas_values(reply):
    """The CAS uniques in `reply`, in order of first appearance (0, "nothing stored", is
    not one: it stays as it is)."""
    found = sorted((m.start(2), m.group(2)) for pattern in CAS_PATTERNS for m in pattern.finditer(reply))
    ordered = []
    for _, value in found:
        if value != b"0" and value not in ordered:
            ordered.append(value)
    return ordered


def masked(reply):
    """`reply` with each CAS unique replaced by its number in order of first appearance."""
    numbers = {value: b"<cas%d>" % i for i, value in enumerate(cas_values(reply))}
    numbers[b"0"] = b"0"
    for pattern in CAS_PATTERNS:
        reply = pattern.sub(lambda m: m.group(1) + numbers[m.group(2)] + m.group(3), reply)
    return reply


@pytest.fixture(scope="module")
def servers():
    features_off = ["-o", "no_lru_crawler,no_lru_maintainer,no_slab_reassign", "-W"]
    with ServerProcess("memcached", features_off, unix=False) as memcached, \
            ServerProcess("memstripe", unix=False) as memstripe:
        yield memcached, memstripe


def exchange(server, chunks, expect_close):
    """Everything the server sends back for `chunks`, and whether it closed."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.sendall(b"flush_all\r\n")
        assert sock.recv(16) == b"OK\r\n"
        received = b""
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            if len(chunks) > 1:
                received += drain_briefly(sock)
        if not expect_close:
            sock.sendall(SENTINEL_SET)
            while not received.endswith(SENTINEL_REPLY):
                data = sock.recv(1 << 20)
                assert data, "the server closed the connection"
                received += data
            return received[: received.rindex(b"STORED\r\nVALUE __conformance__")], False
        sock.settimeout(5)
        while True:
            try:
                data = sock.recv(1 << 20)
            except (ConnectionResetError, BrokenPipeError):
                return received, True
            if not data:
                return received, True
            received += data
    finally:
        sock.close()


def drain_briefly(sock):
    """What arrives within a short while: lets a server see each piece as its own read."""
    sock.settimeout(0.05)
    data = b""
    try:
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        pass
    except (ConnectionResetError, BrokenPipeError):
        pass
    finally:
        sock.settimeout(10)
    return data


@pytest.mark.parametrize("name", sorted(CASES))
def test_replies_like_memcached(servers, name):
    memcached, memstripe = servers
    want = exchange(memcached, [CASES[name]], expect_close=False)
    got = exchange(memstripe, [CASES[name]], expect_close=False)
    assert masked(got[0]) == masked(want[0])


@pytest.mark.parametrize("name", sorted(SPLIT_CASES))
def test_replies_like_memcached_to_input_in_pieces(servers, name):
    memcached, memstripe = servers
    want = exchange(memcached, SPLIT_CASES[name], expect_close=False)
    got = exchange(memstripe, SPLIT_CASES[name], expect_close=False)
    assert masked(got[0]) == masked(want[0])


@pytest.mark.parametrize("name", sorted(CLOSING_CASES))
def test_closes_where_memcached_closes(servers, name):
    memcached, memstripe = servers
    want = exchange(memcached, CLOSING_CASES[name], expect_close=True)
    got = exchange(memstripe, CLOSING_CASES[name], expect_close=True)
    assert got == want


@pytest.mark.parametrize("name", sorted(META_CASES))
def test_meta_replies_like_memcached(servers, name):
    memcached, memstripe = servers
    want = exchange(memcached, [META_CASES[name]], expect_close=False)
    got = exchange(memstripe, [META_CASES[name]], expect_close=False)
    assert masked(got[0]) == masked(want[0])


def exchange_in_steps(client, steps):
    """Sends each step closed by "mn" and reads to its "MN", filling in {casN} from the CAS
    uniques of the replies so far. Returns everything received."""
    client.send(b"flush_all\r\n")
    assert client.read_line() == b"OK\r\n"
    received = b""
    for step in steps:
        for i, value in enumerate(cas_values(received)):
            step = step.replace(b"{cas%d}" % i, value)
        assert b"{cas" not in step, f"no CAS to fill in yet: {step!r}"
        client.send(step + b"mn\r\n")
        received += client.read_until(b"MN\r\n")
    return received


@pytest.mark.parametrize("name", sorted(META_STEP_CASES))
def test_meta_steps_reply_like_memcached(servers, name):
    memcached, memstripe = servers
    with memcached.connect("tcp") as m, memstripe.connect("tcp") as s:
        want = exchange_in_steps(m, META_STEP_CASES[name])
        got = exchange_in_steps(s, META_STEP_CASES[name])
    assert masked(got) == masked(want)


# Written by hand, as a client batching its work would: three quiet sets, three gets that
# name their replies with an opaque and the key (one a miss, which q hides), then mn.
HAND_WRITTEN_META_PIPELINE = (b"ms pipe:a 5 q T0\r\nalpha\r\nms pipe:b 4 q F3\r\nbeta\r\nms pipe:c 5 q\r\ngamma\r\n"
                              b"mg pipe:a v O1 k q f\r\nmg pipe:missing v O2 k q\r\nmg pipe:c v O3 k q s\r\n"
                              b"mn\r\n")
HAND_WRITTEN_META_REPLIES = b"VA 5 O1 kpipe:a f0\r\nalpha\r\nVA 5 O3 kpipe:c s5\r\ngamma\r\nMN\r\n"


@pytest.fixture(scope="module")
def memcached_on_a_socket():
    """memcached serves a UNIX socket only with its TCP off: a second one for the socket."""
    features_off = ["-o", "no_lru_crawler,no_lru_maintainer,no_slab_reassign", "-W"]
    with ServerProcess("memcached", features_off, tcp=False, unix=True) as memcached:
        yield memcached


@pytest.fixture(scope="module")
def memstripe_on_both():
    with ServerProcess("memstripe") as memstripe:
        yield memstripe


@pytest.mark.parametrize("transport", ["tcp", "unix"])
def test_a_hand_written_meta_pipeline_gets_memcached_s_bytes_over_both_transports(
        servers, memcached_on_a_socket, memstripe_on_both, transport):
    memcached = servers[0] if transport == "tcp" else memcached_on_a_socket
    replies = []
    for server in (memcached, memstripe_on_both):
        with server.connect(transport) as client:
            client.send(b"flush_all\r\n")
            assert client.read_line() == b"OK\r\n"
            client.send(HAND_WRITTEN_META_PIPELINE)
            replies.append(client.read_until(b"MN\r\n"))
    from_memcached, from_memstripe = replies
    assert from_memcached == HAND_WRITTEN_META_REPLIES
    assert from_memstripe == from_memcached


# --- The binary protocol -------------------------------------------------------------------
# Each case is a list of request frames; every reply packet is compared field by field,
# CAS uniques numbered in order of first appearance as for the text cases. A case is sent
# pipelined (all frames in one write, then a NOOP whose opaque marks the end) and one frame
# at a time (each followed by such a NOOP), over TCP and the UNIX socket.
# The deliberate deviations (README) are pinned by tests/protocol/session_binary_test.cc.

from binary_frames import arith_extras, exptime_extras, frame, parse, set_extras  # noqa: E402

END_OPAQUE = 0xC0FFEE00
VALUE_100K = bytes(range(256)) * 390 + b"x" * 160

BINARY_CASES = {
    "set_then_get_forms": [frame("set", "k", set_extras(5, 0), "hello"), frame("get", "k", opaque=7),
                           frame("getk", "k", opaque=8), frame("get", "nope"), frame("getk", "nope")],
    "quiet_multi_get": [frame("setq", "a", set_extras(1), "1"), frame("setq", "b", set_extras(2), "22"),
                        frame("getkq", "a", opaque=1), frame("getkq", "missing", opaque=2),
                        frame("getkq", "b", opaque=3), frame("getq", "a"), frame("getq", "missing")],
    "add_and_replace": [frame("add", "k", set_extras(), "x"), frame("add", "k", set_extras(), "y"),
                        frame("addq", "k", set_extras(), "y"), frame("replace", "zz", set_extras(), "y"),
                        frame("replaceq", "zz", set_extras(), "y"), frame("replace", "k", set_extras(9), "r"),
                        frame("get", "k")],
    "append_prepend": [frame("set", "k", set_extras(4), "a"), frame("append", "k", value="b"),
                       frame("prepend", "k", value="c"), frame("appendq", "k", value="d"), frame("get", "k"),
                       frame("append", "missing", value="x"), frame("prependq", "missing", value="x")],
    "delete": [frame("set", "k", set_extras(), "a"), frame("delete", "k"), frame("delete", "k"),
               frame("deleteq", "k"), frame("set", "q", set_extras(), "a"), frame("deleteq", "q"), frame("get", "q")],
    "increment_decrement": [frame("increment", "n", arith_extras(5, 10, 0)), frame("increment", "n", arith_extras(5)),
                            frame("decrement", "n", arith_extras(100)), frame("incrementq", "n", arith_extras(7)),
                            frame("get", "n"), frame("increment", "m", arith_extras(1, 1, 0xffffffff)),
                            frame("decrementq", "m", arith_extras(1, 1, 0xffffffff)),
                            frame("set", "s", set_extras(), "abc"), frame("increment", "s", arith_extras()),
                            frame("increment", "w", arith_extras(2 ** 64 - 1, 2, 0)),
                            frame("increment", "w", arith_extras(3))],
    "version_and_noop": [frame("version"), frame("noop", opaque=5), frame("version", opaque=0x01020304)],
    "touch_and_gat": [frame("set", "k", set_extras(3, 0), "v"), frame("touch", "k", exptime_extras(100)),
                      frame("gat", "k", exptime_extras(100)), frame("gatk", "k", exptime_extras(0)),
                      frame("gatq", "k", exptime_extras(0)), frame("gatkq", "k", exptime_extras(0)),
                      frame("gat", "no", exptime_extras(0)), frame("gatk", "no", exptime_extras(0)),
                      frame("gatkq", "no", exptime_extras(0)), frame("touch", "no", exptime_extras(0))],
    "flush": [frame("set", "k", set_extras(), "v"), frame("flush"), frame("get", "k"), frame("set", "k", set_extras(), "v"),
              frame("flushq"), frame("get", "k"), frame("flush", extras=exptime_extras(0))],
    "cas_mismatches": [frame("set", "k", set_extras(), "v"), frame("set", "k", set_extras(), "w", cas=999),
                       frame("add", "nokey", set_extras(), "w", cas=5), frame("replace", "k", set_extras(), "w", cas=9),
                       frame("append", "k", value="w", cas=9), frame("delete", "k", cas=999),
                       frame("increment", "k", arith_extras(), cas=9), frame("get", "k")],
    "too_large": [frame("set", "big", set_extras(), "old"), frame("set", "big", set_extras(), b"x" * (1024 * 1024 + 10)),
                  frame("get", "big"), frame("set", "b2", set_extras(), "old"),
                  frame("add", "b2", set_extras(), b"x" * (1024 * 1024 + 10)), frame("get", "b2")],
    "large_and_empty_values": [frame("set", "big", set_extras(7), VALUE_100K), frame("getk", "big"),
                               frame("set", "e", set_extras(), b""), frame("get", "e"), frame("getkq", "e"),
                               frame("set", "kb", set_extras(), b"v" * 600), frame("get", "kb")],
    "binary_keys": [frame("set", b"\x00\x01 \r\n\xff", set_extras(), "v"), frame("getk", b"\x00\x01 \r\n\xff"),
                    frame("set", "k" * 250, set_extras(), "v"), frame("getk", "k" * 250)],
    "exptime_is_unsigned": [frame("set", "k", set_extras(0, 0xfffffff0), "v"), frame("get", "k")],
    "stat_groups_not_found": [frame("stat", "bogus"), frame("stat", "conns"), frame("stat", "cachedump 1 1"),
                              frame("stat", "detail x"), frame("stat", "reset"), frame("stat", "detail on"),
                              frame("stat", "detail dump"), frame("stat", "detail off"), frame("stat", "sizes")],
    "sasl_without_sasl": [frame("sasl_list_mechs"), frame("sasl_auth", "PLAIN", value=b"\0u\0p"),
                          frame("sasl_step", "PLAIN", value=b"xyz")],
    "unknown_opcode_without_body": [frame(0x50), frame(0x25, opaque=3)],
}

# memcached closes the connection after these; what it sent before must match.
BINARY_CLOSING_CASES = {
    "key_longer_than_body": [frame("noop"), frame("get", "k", bodylen=0)],
    "key_and_extras_longer_than_body": [frame("set", "k", set_extras(), "v", bodylen=8)],
    "get_without_key": [frame("get", "")],
    "get_with_extras": [frame("get", "k", extras=b"\0\0\0\0")],
    "set_without_extras": [frame("set", "k", b"", "v")],
    "noop_with_a_body": [frame("noop", value="x")],
    "delete_with_extras": [frame("delete", "k", extras=b"\0")],
    "incr_with_short_extras": [frame("increment", "k", extras=b"\0" * 8)],
    "flush_with_a_key": [frame("flush", "k")],
    "key_over_250_bytes": [frame("noop"), frame("get", "k" * 251)],
    "quit_sends_pending_replies": [frame("noop"), frame("set", "k", set_extras(), "v"), frame("quit"), frame("noop")],
    "quitq_is_silent": [frame("noop"), frame("quitq"), frame("noop")],
    "wrong_magic_after_a_noop": [frame("noop"), frame("noop", magic=0x81)],
}


def binary_fields(data):
    """The packets of `data`, CAS uniques numbered by first appearance."""
    packets, rest = parse(data)
    assert rest == b"", f"{len(rest)} bytes after the last whole packet"
    numbers = {0: 0}
    return [(p.opcode, p.status, p.opaque, numbers.setdefault(p.cas, len(numbers)), p.extras, p.key, p.value)
            for p in packets]


def binary_exchange(server, transport, frames, pipelined):
    """Everything the server answers to `frames`, sent in one write or one at a time."""
    end = frame("noop", opaque=END_OPAQUE)
    with server.connect(transport) as client:
        client.send(frame("flush") + end)
        client.read_binary_until(END_OPAQUE)
        if pipelined:
            client.send(b"".join(frames) + end)
            return client.read_binary_until(END_OPAQUE)
        received = b""
        for f in frames:
            client.send(f + end)
            received += client.read_binary_until(END_OPAQUE)
        return received


def binary_exchange_closing(server, transport, frames):
    with server.connect(transport) as client:
        client.send(frame("flush") + frame("noop", opaque=END_OPAQUE))
        client.read_binary_until(END_OPAQUE)
        client.send(b"".join(frames))
        return client.read_to_close()


@pytest.fixture(scope="module")
def binary_peers(servers, memcached_on_a_socket, memstripe_on_both):
    return {"tcp": (servers[0], memstripe_on_both), "unix": (memcached_on_a_socket, memstripe_on_both)}


@pytest.mark.parametrize("pipelined", [True, False], ids=["pipelined", "one_at_a_time"])
@pytest.mark.parametrize("transport", ["tcp", "unix"])
@pytest.mark.parametrize("name", sorted(BINARY_CASES))
def test_binary_replies_like_memcached(binary_peers, transport, pipelined, name):
    memcached, memstripe = binary_peers[transport]
    want = binary_exchange(memcached, transport, BINARY_CASES[name], pipelined)
    got = binary_exchange(memstripe, transport, BINARY_CASES[name], pipelined)
    assert binary_fields(got) == binary_fields(want)


@pytest.mark.parametrize("transport", ["tcp", "unix"])
@pytest.mark.parametrize("name", sorted(BINARY_CLOSING_CASES))
def test_binary_closes_where_memcached_closes(binary_peers, transport, name):
    memcached, memstripe = binary_peers[transport]
    want = binary_exchange_closing(memcached, transport, BINARY_CLOSING_CASES[name])
    got = binary_exchange_closing(memstripe, transport, BINARY_CLOSING_CASES[name])
    assert binary_fields(got) == binary_fields(want)


def test_a_cas_from_a_binary_reply_updates_the_item(binary_peers):
    """The CAS a set answers is the one a later set must name (a step of the exchange)."""
    replies = []
    for server in binary_peers["tcp"]:
        with server.connect("tcp") as client:
            client.send(frame("set", "c", set_extras(), "v1") + frame("noop", opaque=END_OPAQUE))
            (stored, _), _ = parse(client.read_binary_until(END_OPAQUE))
            client.send(frame("set", "c", set_extras(), "v2", cas=stored.cas) +
                        frame("set", "c", set_extras(), "v3", cas=stored.cas) + frame("getk", "c") +
                        frame("noop", opaque=END_OPAQUE))
            replies.append(binary_fields(client.read_binary_until(END_OPAQUE)))
    assert replies[1] == replies[0]
