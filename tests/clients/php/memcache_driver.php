<?php
// Drives the older php-memcache extension (class Memcache, ASCII protocol, its default) for
// test_php_memcache.py (the protocol is in driver.py): one JSON request a line,
// [method, arguments...], called on a Memcache object, and one JSON answer a line. The
// extension reports a failure by returning false and raising a PHP notice or warning, so the
// result is [what the method returned, the last notice's text or null]. "gets" stands for
// get($key, $flags, $cas), whose two out-parameters the generic call cannot return: it
// answers [{"value", "flags", "cas"}, notice]. An argument "MEMCACHE_NAME" stands for that
// constant. "bench" is the client lab's timing loop (bench.php), answered as its result
// alone.
//
// Usage: php memcache_driver.php SERVER
//   SERVER is host:port or a UNIX socket's path (given to the extension as unix://PATH,
//   port 0, which is how it reaches a socket).

$server = $argv[1];
$m = new Memcache();
if ($server[0] === '/') {
    $m->addServer("unix://$server", 0, false, 1, 5, -1);
} else {
    [$host, $port] = explode(':', $server);
    // Not persistent, weight 1, a 5 s timeout, and retry_interval -1: a failed server is
    // never retried, so a stopped one fails each call the same way.
    $m->addServer($host, (int)$port, false, 1, 5, -1);
}

require __DIR__ . '/bench.php';

$notice = null;
set_error_handler(function ($level, $message) use (&$notice) {
    $notice = $message;
    return true;
});

function argument($a) {
    return is_string($a) && str_starts_with($a, 'MEMCACHE_') ? constant($a) : $a;
}

while (($line = fgets(STDIN)) !== false) {
    $request = json_decode($line, true);
    $method = array_shift($request);
    $args = array_map('argument', $request);
    $notice = null;
    try {
        if ($method === 'bench') {
            $get = fn($key) => $m->get($key);
            $set = fn($key, $value) => $m->set($key, $value);
            echo json_encode(['result' => bench($get, $set, ...$args)]), "\n";
            continue;
        }
        if ($method === 'gets') {
            $flags = null;
            $cas = null;
            $value = $m->get($args[0], $flags, $cas);
            $returned = $value === false ? false : ['value' => $value, 'flags' => $flags, 'cas' => $cas];
        } else {
            $returned = $m->$method(...$args);
        }
        $answer = ['result' => [$returned, $notice]];
    } catch (Throwable $e) {
        $answer = ['error' => get_class($e) . ': ' . $e->getMessage()];
    }
    echo json_encode($answer, JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION), "\n";
}
