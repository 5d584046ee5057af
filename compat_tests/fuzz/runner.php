<?php
// Fuzz runner, PHP side: runs each input of a batch (JSON lines, see inputs.py) and
// prints one JSON record per input. Mirrors runner.py. PHP 7.4 syntax (the oldest
// release phpstreams emulates).
ini_set('display_errors', 'stderr');
ini_set('log_errors', '0');
error_reporting(E_ALL);
$W = [];
set_error_handler(function (int $no, string $str) { $GLOBALS['W'][] = [$no, $str]; return true; });
$PEER = json_decode(getenv('COMPAT_PEERS'), true);
$PLACES = [
    '@echo@' => (string)$PEER['echo'], '@closed@' => (string)$PEER['closed'],
    '@tls@' => (string)$PEER['tls'], '@unix@' => $PEER['unix_echo'], '@tmp@' => getenv('FUZZ_TMP'),
    '@ca@' => $PEER['certs']['ca'], '@client@' => $PEER['certs']['client'],
];
$OPEN = [];

function enc($v) {
    if ($v === null || is_bool($v) || is_int($v)) return $v;
    if (is_float($v)) return ['float' => var_export($v, true)];
    if (is_string($v)) return preg_match('//u', $v) ? ['s' => $v] : ['hex' => bin2hex($v)];
    if (is_array($v)) { $o = []; foreach ($v as $k => $x) $o[] = [$k, enc($x)]; return ['array' => $o]; }
    if (is_resource($v)) return ['resource' => get_resource_type($v)];
    if (gettype($v) === 'resource (closed)') return ['resource' => 'Unknown'];
    if (is_object($v)) return ['object' => get_class($v)];
    return ['unknown' => gettype($v)];
}

function dec($v) {
    global $PLACES, $OPEN, $PEER;
    if ($v === null || is_bool($v)) return $v;
    if (isset($v['i'])) return (int)$v['i'];
    if (isset($v['f'])) return ['INF' => INF, '-INF' => -INF, 'NAN' => NAN][$v['f']] ?? (float)$v['f'];
    if (isset($v['s'])) return strtr($v['s'], $PLACES);
    if (isset($v['h'])) return hex2bin($v['h']);
    if (isset($v['a'])) { $o = []; foreach ($v['a'] as [$k, $x]) $o[$k] = dec($x); return $o; }
    if (array_key_exists('ctx', $v)) return stream_context_create(dec($v['ctx']));
    if (isset($v['res'])) {
        if ($v['res'] === 'echo') {
            $s = stream_socket_client("tcp://127.0.0.1:{$PEER['echo']}", $e, $es, 5);
            stream_set_blocking($s, false);
        } else {
            $s = fopen('php://memory', 'w+');
            if ($v['res'] === 'closed') fclose($s);
        }
        $OPEN[] = $s;
        return $s;
    }
    throw new Exception('bad value ' . json_encode($v));
}

function accept_one(string $address, $timeout) {
    $srv = stream_socket_server($address, $errno, $errstr);
    if (!$srv) return ['server' => false, 'errno' => $errno, 'errstr' => $errstr];
    $name = stream_socket_get_name($srv, false);
    $target = strncmp($address, 'unix://', 7) === 0 ? $address : 'tcp://' . $name;
    $c = stream_socket_client($target, $e, $es, 5);
    $peer = 'unset';
    $a = stream_socket_accept($srv, $timeout, $peer);
    $out = ['accepted' => is_resource($a), 'peer' => $peer, 'local' => $a ? stream_socket_get_name($a, false) : null];
    fclose($c); if ($a) fclose($a); fclose($srv);
    return $out;
}

function context_options(...$args) {
    $ctx = stream_context_create(...$args);
    return [stream_context_get_options($ctx), stream_context_get_params($ctx)];
}

function set_option($ctx, ...$rest) {
    $ok = stream_context_set_option($ctx, ...$rest);
    return [$ok, stream_context_get_options($ctx)];
}

foreach (file($argv[1], FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
    $in = json_decode($line, true);
    $W = []; $OPEN = []; $args = []; $refs = [];
    foreach ($in['args'] as $n => $a) {
        if (is_array($a) && array_key_exists('ref', $a)) { $refs[] = $n; $args[$n] = dec($a['ref']); }
        else $args[$n] = dec($a);
    }
    $throw = null; $value = null;
    try {
        $helper = ['@accept' => 'accept_one', '@context' => 'context_options', '@set_option' => 'set_option'];
        $value = ($helper[$in['fn']] ?? $in['fn'])(...$args);
    } catch (\Throwable $e) {
        $cls = $e instanceof \TypeError ? 'TypeError' : ($e instanceof \ValueError ? 'ValueError' : get_class($e));
        $throw = [$cls, $e->getMessage()];
    }
    $rec = ['id' => $in['id'], 'value' => enc($value), 'throw' => $throw, 'warnings' => $W,
            'refs' => array_map(fn($n) => enc($args[$n]), $refs)];
    echo json_encode($rec, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE), "\n";
    if (is_resource($value)) fclose($value);
    if (is_array($value)) foreach ($value as $x) if (is_resource($x)) fclose($x);
    foreach ($OPEN as $r) if (is_resource($r)) fclose($r);
    foreach (scandir(getenv('FUZZ_TMP')) as $p) if ($p[0] !== '.') @unlink(getenv('FUZZ_TMP') . "/$p");
}
