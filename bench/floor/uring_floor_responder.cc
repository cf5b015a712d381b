// memstripe-floor-uring: memstripe-floor's do-nothing responder on io_uring instead of
// epoll, to ask whether another I/O model lowers the floor of server CPU per request.
// Where epoll costs a wait per round and a recv and a send per request, here one
// io_uring_enter per round submits every reply and reaps every request: each socket keeps
// one multishot recv armed that fills buffers from a ring the kernel picks from, and the
// ring defers its completion work to that one call (DEFER_TASKRUN). Same protocol subset,
// same answers (floor_protocol.h).
//
//   memstripe-floor-uring --tcp PORT | --unix PATH
//
// Exits 69 when this kernel offers no io_uring (or not these features).
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "floor_protocol.h"

namespace {

using memstripe::floor::answer;
using memstripe::floor::Client;

constexpr int kUnavailable = 69;
constexpr unsigned kBuffers = 1024;  // the provided-buffer ring; a power of two
constexpr unsigned kBufferSize = 16384;

// What a completion is for, in the low bits of its user_data (a Connection is aligned).
enum Op : std::uint64_t { kAccept = 0, kRecv = 1, kSend = 2, kOpMask = 3 };

struct Connection {
  explicit Connection(int socket) : fd(socket) {}
  int fd;
  bool open = true;
  bool recv_armed = false;
  bool sending = false;
  Client client;
  std::string out;        // replies built while a send is in flight
  std::string in_flight;  // the bytes of the send in flight
  std::size_t sent = 0;
};

class Responder {
 public:
  Responder(int listener, bool tcp) : listener_(listener), tcp_(tcp) {}

  int init() {
    io_uring_params params{};
    params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    if (int r = io_uring_queue_init_params(4096, &ring_, &params); r < 0) return r;
    void* ring_memory = nullptr;
    if (posix_memalign(&ring_memory, 4096, kBuffers * sizeof(io_uring_buf)) != 0) return -ENOMEM;
    buffer_ring_ = static_cast<io_uring_buf_ring*>(ring_memory);
    io_uring_buf_ring_init(buffer_ring_);
    io_uring_buf_reg reg{};
    reg.ring_addr = reinterpret_cast<std::uint64_t>(buffer_ring_);
    reg.ring_entries = kBuffers;
    reg.bgid = 0;
    if (int r = io_uring_register_buf_ring(&ring_, &reg, 0); r < 0) return r;
    buffers_ = new char[std::size_t{kBuffers} * kBufferSize];
    for (unsigned i = 0; i < kBuffers; ++i) give_back(i);
    arm_accept();
    return 0;
  }

  void run() {
    for (;;) {
      io_uring_submit_and_wait(&ring_, 1);
      io_uring_cqe* cqe;
      unsigned head;
      unsigned seen = 0;
      io_uring_for_each_cqe(&ring_, head, cqe) {
        ++seen;
        complete(*cqe);
      }
      io_uring_cq_advance(&ring_, seen);
    }
  }

 private:
  io_uring_sqe* next_sqe() {
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    if (sqe == nullptr) {  // the submission queue is full: hand it to the kernel first
      io_uring_submit(&ring_);
      sqe = io_uring_get_sqe(&ring_);
    }
    return sqe;
  }

  static std::uint64_t tag(Connection* c, Op op) { return reinterpret_cast<std::uint64_t>(c) | op; }

  void give_back(unsigned id) {
    io_uring_buf_ring_add(buffer_ring_, buffers_ + std::size_t{id} * kBufferSize, kBufferSize,
                          static_cast<unsigned short>(id), io_uring_buf_ring_mask(kBuffers), 0);
    io_uring_buf_ring_advance(buffer_ring_, 1);
  }

  void arm_accept() {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_multishot_accept(sqe, listener_, nullptr, nullptr, 0);
    io_uring_sqe_set_data64(sqe, tag(nullptr, kAccept));
  }

  void arm_recv(Connection* c) {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_recv_multishot(sqe, c->fd, nullptr, 0, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = 0;
    io_uring_sqe_set_data64(sqe, tag(c, kRecv));
    c->recv_armed = true;
  }

  void send_next(Connection* c) {
    if (c->sending || c->out.empty() || !c->open) return;
    c->in_flight.swap(c->out);
    c->out.clear();
    c->sent = 0;
    submit_send(c);
  }

  void submit_send(Connection* c) {
    io_uring_sqe* sqe = next_sqe();
    io_uring_prep_send(sqe, c->fd, c->in_flight.data() + c->sent, c->in_flight.size() - c->sent, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, tag(c, kSend));
    c->sending = true;
  }

  // A connection is freed once nothing of the kernel's still points at it.
  void close(Connection* c) {
    if (c->open) {
      c->open = false;
      ::shutdown(c->fd, SHUT_RDWR);  // ends the armed recv
    }
    if (!c->recv_armed && !c->sending) {
      ::close(c->fd);
      delete c;
    }
  }

  void complete(const io_uring_cqe& cqe) {
    auto* c = reinterpret_cast<Connection*>(cqe.user_data & ~kOpMask);
    const bool more = (cqe.flags & IORING_CQE_F_MORE) != 0;
    switch (static_cast<Op>(cqe.user_data & kOpMask)) {
      case kAccept:
        if (cqe.res >= 0) {
          if (tcp_) {
            int one = 1;
            ::setsockopt(cqe.res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          }
          arm_recv(new Connection(cqe.res));
        }
        if (!more) arm_accept();
        return;
      case kRecv:
        if (!more) c->recv_armed = false;
        if (cqe.flags & IORING_CQE_F_BUFFER) {
          const unsigned id = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
          if (cqe.res > 0 && c->open) c->client.in.append(buffers_ + std::size_t{id} * kBufferSize, static_cast<std::size_t>(cqe.res));
          give_back(id);
        }
        if (cqe.res > 0 && c->open) {
          answer(c->client, c->out);
          send_next(c);
          if (!c->recv_armed) arm_recv(c);  // the kernel ended the multishot (buffers ran out)
        } else if (cqe.res == -ENOBUFS && c->open) {
          arm_recv(c);
        } else if (!c->recv_armed) {
          close(c);
        }
        return;
      case kSend:
        c->sending = false;
        if (cqe.res < 0 || !c->open) return close(c);
        c->sent += static_cast<std::size_t>(cqe.res);
        if (c->sent < c->in_flight.size()) return submit_send(c);
        send_next(c);
        return;
      default:
        return;
    }
  }

  int listener_;
  bool tcp_;
  io_uring ring_{};
  io_uring_buf_ring* buffer_ring_ = nullptr;
  char* buffers_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: memstripe-floor-uring --tcp PORT | --unix PATH\n");
    return 64;
  }
  const int listener = memstripe::floor::listen_on(argv[1], argv[2]);
  if (listener < 0) {
    std::perror("memstripe-floor-uring: listen");
    return 1;
  }
  Responder responder(listener, std::strcmp(argv[1], "--tcp") == 0);
  if (int r = responder.init(); r < 0) {
    std::fprintf(stderr, "memstripe-floor-uring: io_uring: %s\n", std::strerror(-r));
    return kUnavailable;
  }
  responder.run();
}
