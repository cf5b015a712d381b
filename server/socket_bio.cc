#include "server/socket_bio.h"

#include <openssl/bio.h>
#include <sys/socket.h>

#include <cerrno>

namespace memstripe::server {
namespace {

int descriptor(BIO* bio) {
  int fd = -1;
  BIO_get_fd(bio, &fd);
  return fd;
}

// As OpenSSL's sock_read() and sock_write(), with recv() and send().
int socket_read(BIO* bio, char* into, int size) {
  errno = 0;
  const int n = static_cast<int>(::recv(descriptor(bio), into, static_cast<size_t>(size), 0));
  BIO_clear_retry_flags(bio);
  if (n <= 0) {
    if (BIO_sock_should_retry(n)) {
      BIO_set_retry_read(bio);
    } else if (n == 0) {
      BIO_set_flags(bio, BIO_FLAGS_IN_EOF);  // BIO_eof(): the peer ended its stream
    }
  }
  return n;
}

int socket_write(BIO* bio, const char* from, int size) {
  errno = 0;
  const int n = static_cast<int>(::send(descriptor(bio), from, static_cast<size_t>(size), MSG_NOSIGNAL));
  BIO_clear_retry_flags(bio);
  if (n <= 0 && BIO_sock_should_retry(n)) BIO_set_retry_write(bio);
  return n;
}

BIO_METHOD* make_method() {
  const BIO_METHOD* socket = BIO_s_socket();
  BIO_METHOD* method = BIO_meth_new(BIO_TYPE_SOCKET, "memstripe socket");
  if (method == nullptr) return nullptr;
  BIO_meth_set_read(method, socket_read);
  BIO_meth_set_write(method, socket_write);
  BIO_meth_set_puts(method, BIO_meth_get_puts(socket));
  BIO_meth_set_ctrl(method, BIO_meth_get_ctrl(socket));
  BIO_meth_set_create(method, BIO_meth_get_create(socket));
  BIO_meth_set_destroy(method, BIO_meth_get_destroy(socket));
  return method;
}

}  // namespace

BIO* new_socket_bio(int fd) {
  static BIO_METHOD* const method = make_method();  // for the process's life, as BIO_s_socket()'s
  if (method == nullptr) return nullptr;
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_fd(bio, fd, BIO_NOCLOSE);
  return bio;
}

}  // namespace memstripe::server
