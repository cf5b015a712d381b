// An OpenSSL BIO over a connected socket that reads with recv() and writes with send(),
// where OpenSSL's own socket BIO uses read() and write(): those pass through the file
// layer first (vfs_read/vfs_write, the permission and fsnotify hooks), 2-3 % of a TLS
// request's CPU in perf at one read and one write per request. Everything else
// (the descriptor, end of stream, retry flags) is the socket BIO's own.
//
// Kernel TLS needs OpenSSL's socket BIO itself (it asks it to hand the keys over), so
// with ssl_kernel_tls the session keeps SSL_set_fd().
#pragma once

struct bio_st;

namespace memstripe::server {

// A BIO on `fd` that does not close it; nullptr when OpenSSL cannot make one.
bio_st* new_socket_bio(int fd);

}  // namespace memstripe::server
