// Asio's non-template code, compiled once for the whole server (the targets define
// BOOST_ASIO_SEPARATE_COMPILATION).
#include <boost/asio/impl/src.hpp>
