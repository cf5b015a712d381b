<?php
// Drives php-memcached for test_php_memcached.py (text protocol) and
// test_binary_php_memcached.py (binary) (the protocol is in driver.py): one JSON request a
// line, [method, arguments...], called on a Memcached object, and one JSON answer a line:
// the result is [what the method returned, the name of getResultCode()], since
// php-memcached reports failures through the result code. An argument "Memcached::NAME"
// stands for that constant. "bench" is the client lab's timing loop (bench.php), answered
// as its result alone; it first sets OPT_TCP_NODELAY, as an application would: without it
// a binary-protocol get waits on Nagle and delayed ACKs (libmemcached sends GETKQ, then NOOP),
// about 10 ms a get against memcached as against memstripe.
//
// Usage: php memcached_driver.php text|binary SERVER [USERNAME PASSWORD]
//   text keeps php-memcached's default protocol; binary sets OPT_BINARY_PROTOCOL.
//   SERVER is host:port or a UNIX socket's path.

$protocol = $argv[1];
array_splice($argv, 1, 1);
if ($protocol !== 'text' && $protocol !== 'binary') {
    fwrite(STDERR, "usage: php memcached_driver.php text|binary SERVER [USERNAME PASSWORD]\n");
    exit(2);
}
$m = new Memcached();
$m->setOption(Memcached::OPT_BINARY_PROTOCOL, $protocol === 'binary');
$m->setOption(Memcached::OPT_CONNECT_TIMEOUT, 5000);
$m->setOption(Memcached::OPT_RECV_TIMEOUT, 5000000);
$m->setOption(Memcached::OPT_SEND_TIMEOUT, 5000000);
$server = $argv[1];
if ($server[0] === '/') {
    $m->addServer($server, 0);
} else {
    [$host, $port] = explode(':', $server);
    $m->addServer($host, (int)$port);
}
if (isset($argv[3])) {
    $m->setSaslAuthData($argv[2], $argv[3]);
}

require __DIR__ . '/bench.php';

$codes = [];
foreach ((new ReflectionClass('Memcached'))->getConstants() as $name => $value) {
    if (str_starts_with($name, 'RES_')) {
        $codes[$value] ??= $name;
    }
}

function argument($a) {
    return is_string($a) && str_starts_with($a, 'Memcached::') ? constant($a) : $a;
}

while (($line = fgets(STDIN)) !== false) {
    [$method, $args] = (function ($request) { return [array_shift($request), $request]; })(json_decode($line, true));
    try {
        if ($method === 'bench') {
            $m->setOption(Memcached::OPT_TCP_NODELAY, true);
            $get = fn($key) => $m->get($key);
            $set = fn($key, $value) => $m->set($key, $value);
            echo json_encode(['result' => bench($get, $set, ...$args)]), "\n";
            continue;
        }
        $returned = $m->$method(...array_map('argument', $args));
        $answer = ['result' => [$returned, $codes[$m->getResultCode()] ?? (string)$m->getResultCode()]];
    } catch (Throwable $e) {
        $answer = ['error' => get_class($e) . ': ' . $e->getMessage()];
    }
    echo json_encode($answer, JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION), "\n";
}
