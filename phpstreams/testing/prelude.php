<?php
// Case prelude (PHP side). Emits one JSON record per line on stdout:
//   {"label": ..., "value": <encoded>, "warnings": [[level, text], ...], "throw": null|[class, msg]}
// Warnings are attributed to the next record. Mirrors phpstreams/testing/prelude.py.
ini_set('display_errors', '0');
ini_set('log_errors', '0');
error_reporting(E_ALL);
$__COMPAT_W = [];
set_error_handler(function (int $no, string $str) {
    $GLOBALS['__COMPAT_W'][] = [$no, $str];
    return false; // let PHP's own handler run too, so error_get_last() works
});
$PEER = json_decode(getenv('COMPAT_PEERS'), true);
$__COMPAT_IDS = getenv('COMPAT_RESOURCE_IDS') === '1';

function __compat_enc($v) {
    if ($v === null || is_bool($v) || is_int($v)) return $v;
    if (is_float($v)) return ['float' => var_export($v, true)];
    if (is_string($v)) {
        return preg_match('//u', $v) ? ['s' => $v] : ['hex' => bin2hex($v)];
    }
    if (is_array($v)) {
        $out = [];
        foreach ($v as $k => $x) $out[] = [$k, __compat_enc($x)];
        return ['array' => $out];
    }
    if (is_resource($v) || gettype($v) === 'resource (closed)') {
        $r = ['resource' => get_resource_type($v)];
        return $GLOBALS['__COMPAT_IDS'] ? $r + ['id' => (int)$v] : $r;
    }
    if (is_object($v)) return ['object' => get_class($v)];
    return ['unknown' => gettype($v)];
}

function __compat_emit(string $label, $value, $throw) {
    $w = $GLOBALS['__COMPAT_W'];
    $GLOBALS['__COMPAT_W'] = [];
    echo json_encode(['label' => $label, 'value' => $value, 'warnings' => $w, 'throw' => $throw],
                     JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
}

/** Record a value (and the warnings raised since the previous record). */
function rec(string $label, $value) { __compat_emit($label, __compat_enc($value), null); }

/** Run $fn, recording its result or the TypeError/ValueError it throws. */
function step(string $label, callable $fn) {
    try {
        $v = $fn();
    } catch (\Throwable $e) {
        $cls = $e instanceof \TypeError ? 'TypeError' : ($e instanceof \ValueError ? 'ValueError' : get_class($e));
        __compat_emit($label, null, [$cls, $e->getMessage()]);
        return null;
    }
    rec($label, $v);
    return $v;
}

/** Poll $fn until it returns something other than $while (bounded: 2000 tries). */
function until(callable $fn, $while = '') {
    for ($i = 0; $i < 2000; $i++) { $v = $fn(); if ($v !== $while) return $v; usleep(1000); }
    return $v;
}

register_shutdown_function(function () { __compat_emit('__end', null, null); });
__compat_emit('__php', __compat_enc(PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION), null);
