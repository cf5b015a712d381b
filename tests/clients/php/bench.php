<?php
// The client lab's timing loop (bench/compare-clients), shared by both PHP drivers: the
// request ["bench", VALUE, STORED, SEQUENCE] stores VALUE (a list of strings, serialised
// by the extension as it serialises an array) under every key of STORED, then gets each
// key of SEQUENCE in turn, one call at a time, each timed alone with hrtime (monotonic,
// nanoseconds). Answers {"times_ns": [...], "hits": how many gets found a value}.
// $get and $set call the extension; a miss is false.

function bench(callable $get, callable $set, array $value, array $stored, array $sequence): array {
    foreach ($stored as $key) {
        if (!$set($key, $value)) {
            throw new RuntimeException("bench: storing $key failed");
        }
    }
    $times = [];
    $hits = 0;
    foreach ($sequence as $key) {
        $start = hrtime(true);
        $found = $get($key);
        $times[] = hrtime(true) - $start;
        $hits += $found !== false;
    }
    return ['times_ns' => $times, 'hits' => $hits];
}
