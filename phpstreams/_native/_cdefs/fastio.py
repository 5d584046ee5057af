"""phpstreams' own C helper for the TLS read path (not a header).

Theory of operation: a TLS stream's buffer lives in ``phpstreams._speedups.StreamCore``.
Calling back into Python for every ``SSL_read`` of a buffer fill costs more than the
decryption of an 8 KiB record, so the TLS engine hands the stream a C function that does
exactly what the first pass of the engine's read loop does -- clear the error queue, put
PHP's carried ``errno`` in place, ``SSL_read``, take ``errno`` back -- and keeps only the
common outcome, data. Anything else (``SSL_read <= 0``, a Python callback that stored
an exception during the call, or the renegotiation limit tripping) is *stashed* in the
per-connection struct and the function returns -1; the stream then calls the engine's
Python read, which finishes that same result (PHP's error dispatch, waits and retries)
instead of calling ``SSL_read`` again.
So the OpenSSL call sequence, the error queue and ``errno`` are exactly those of the
all-Python path.

``phpstreams_tls_read`` has the signature StreamCore expects of a fast reader:
``int (*)(void *ctx, char *dst, int size)``; the engine passes its address and the
struct's as integers, so ``_speedups`` never includes an OpenSSL header.
"""

INCLUDES = """
#include <errno.h>
"""

TYPES = """
typedef struct {
    SSL *ssl;
    int carried_errno;    /* PHP's errno, carried across OpenSSL calls */
    int callback_failed;  /* a Python callback stored an exception */
    int stashed;          /* 1: ret is an SSL_read result the Python read must finish */
    int ret;
    int should_close;     /* the renegotiation limit was hit during the last SSL_read */
} phpstreams_tls_io;
"""

FUNCTIONS = """
int phpstreams_tls_read(void *, char *, int);
"""

CUSTOMIZATIONS = """
typedef struct {
    SSL *ssl;
    int carried_errno;
    int callback_failed;
    int stashed;
    int ret;
    int should_close;
} phpstreams_tls_io;

static int phpstreams_tls_read(void *ctx, char *dst, int size)
{
    phpstreams_tls_io *io = (phpstreams_tls_io *)ctx;
    ERR_clear_error();
    errno = io->carried_errno;
    int n = SSL_read(io->ssl, dst, size);
    io->carried_errno = errno;
    if (n > 0 && !io->callback_failed && !io->should_close)
        return n;
    io->stashed = 1;
    io->ret = n;
    return -1;
}
"""
