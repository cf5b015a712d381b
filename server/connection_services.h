// What a Connection uses of the worker thread that owns it, and nothing more: the worker's
// poller and pools, the list and counters it shares with the threads that read stats, what
// each connection's session is made of, and the two facts of the worker's life that a
// connection reacts to (the worker is draining; this connection has closed). A Worker
// holds one and hands it to every connection it opens, so connection.h needs nothing of
// worker_pool.h. Used on the worker's thread only (`stats` reads the registry and the
// counters from other threads, through their own synchronisation).
#pragma once

#include <functional>
#include <span>

#include "protocol/command_stats.h"
#include "protocol/protocol_config.h"
#include "protocol/request_scratch.h"
#include "protocol/server_context.h"
#include "server/connection_registry.h"
#include "server/output_queue_pool.h"
#include "server/read_buffer_pool.h"
#include "server/socket_poller.h"
#include "server/tls_context.h"
#include "storage/cache.h"

namespace memstripe::server {

struct ConnectionServices {
  SocketPoller& poller;
  // Read buffers and reply queues, taken while a connection has bytes to hold.
  ReadBufferPool buffers;
  OutputQueuePool output_queues;
  ConnectionRegistry& registry;      // what `stats conns` lists
  protocol::CommandStats& commands;  // this worker's counters
  // What every session is built from.
  storage::Cache& cache;
  protocol::ServerContext& server;
  const protocol::ProtocolConfig& protocol;
  protocol::RequestScratch requests;  // what this worker's sessions decode into, one at a time
  unsigned requests_per_event;  // -R: requests per turn
  // Set by the worker when it starts shutting down: connections read no more requests.
  bool draining = false;
  // Called once by each connection as it closes (its client's slot is free again).
  std::function<void()> on_closed;
  // -Z: the server's TLS context (null without), and this worker's staging buffer for
  // TLS replies (ssl_wbuf_size bytes; one per worker, as its connections write one at a time).
  TlsContext* tls = nullptr;
  std::span<char> tls_write_buffer;
};

}  // namespace memstripe::server
