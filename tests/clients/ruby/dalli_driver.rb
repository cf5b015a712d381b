# Drives Debian's ruby-dalli for test_binary_dalli.py (the protocol is in driver.py): one
# JSON request a line, [method, arguments...], sent to a Dalli::Client as they are, and one
# JSON answer a line. A Hash argument becomes keyword-style options with Symbol keys.
# "fetch" and "cas" take a block in Dalli: here the block returns the request's last
# argument, and the answer says whether the block ran. "multi" takes a list of requests and
# makes them inside Dalli's multi block (quiet commands: setq, addq, deleteq...). "bench"
# is the client lab's timing loop (bench/compare-clients): [VALUE, STORED, SEQUENCE] stores
# VALUE (an Array of Strings, Marshal'd by Dalli) under every key of STORED, then gets each
# key of SEQUENCE one call at a time, each timed alone on the monotonic clock; it answers
# {"times_ns": [...], "hits": how many gets found a value}.
#
# Usage: ruby dalli_driver.rb SERVER [OPTIONS_JSON]
require 'dalli'
require 'json'

Dalli.logger.level = Logger::FATAL # the tests read errors from the answers, not a log

def symbolized(value)
  value.is_a?(Hash) ? value.transform_keys(&:to_sym) : value
end

client = Dalli::Client.new(ARGV.fetch(0), symbolized(JSON.parse(ARGV.fetch(1, '{}'))))

def bench(client, value, stored, sequence)
  stored.each { |key| client.set(key, value) or raise "bench: storing #{key} failed" }
  hits = 0
  times = sequence.map do |key|
    start = Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond)
    found = client.get(key)
    elapsed = Process.clock_gettime(Process::CLOCK_MONOTONIC, :nanosecond) - start
    hits += 1 unless found.nil?
    elapsed
  end
  { 'times_ns' => times, 'hits' => hits }
end

def call(client, method, args)
  case method
  when 'bench'
    bench(client, *args)
  when 'multi'
    results = nil
    client.multi { results = args.fetch(0).map { |m, *a| call(client, m, a.map { |x| symbolized(x) }) } }
    results
  when 'fetch', 'cas'
    *params, computed = args
    ran = false
    result = client.public_send(method, *params) do |_old|
      ran = true
      computed
    end
    { 'value' => result, 'block_ran' => ran }
  else
    client.public_send(method, *args)
  end
end

$stdout.sync = true
$stdin.each_line do |line|
  method, *args = JSON.parse(line)
  answer = begin
    { 'result' => call(client, method, args.map { |a| symbolized(a) }) }
  rescue StandardError, NotImplementedError => e
    { 'error' => "#{e.class}: #{e.message}" }
  end
  puts JSON.generate(answer)
end
