"""phpstreams' own C helper for the TLS read path (not a header).

Theory of operation: a TLS stream's buffer lives in ``phpstreams._speedups.StreamCore``.
Calling back into Python for every ``SSL_read`` of a buffer fill costs more than the
decryption of an 8 KiB record, so the stream calls ``phpstreams_tls_read`` first: it does
exactly what the first pass of the engine's read loop does -- clear the error queue, put
PHP's carried ``errno`` in place, ``SSL_read``, take ``errno`` back -- and keeps only the
common outcome, data. Anything else (``SSL_read <= 0``, a Python callback that stored
an exception during the call, or the renegotiation limit tripping) is *stashed* in the
per-connection struct and the function returns -1; the stream then calls the engine's
Python read, which finishes that same result (PHP's error dispatch, waits and retries)
instead of calling ``SSL_read`` again. So the OpenSSL call sequence, the error queue and
``errno`` are exactly those of the all-Python path.

Memory safety: no pointer crosses Python. The stream knows a connection only by an
integer *handle* (slot index and generation in a table of live ``phpstreams_tls_io``
structs); ``phpstreams_tls_read`` validates the handle under a mutex and returns -2
("no fast reader, use the Python read") for anything that is not a live connection, so a
forged or stale handle is harmless. An io struct is reference-counted: a read in progress
holds a reference, ``phpstreams_tls_io_free`` (the ``ffi.gc`` destructor) only marks it
dead, and the last reference frees it. It holds its own reference on the ``SSL`` too, so
a Python callback that drops the engine's objects during ``SSL_read`` cannot free what
the read is using. ``_speedups`` finds ``phpstreams_tls_read`` with ``dlsym`` in this
loaded module (it is the one exported function here); its address never passes through
Python. The mutex is needed because cffi releases the GIL around calls into ``lib``.
"""

INCLUDES = """
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
"""

TYPES = """
typedef struct {
    int carried_errno;    /* PHP's errno, carried across OpenSSL calls */
    int callback_failed;  /* a Python callback stored an exception */
    int stashed;          /* 1: ret is an SSL_read result the Python read must finish */
    int ret;
    int should_close;     /* the renegotiation limit was hit during the last SSL_read */
    ...;
} phpstreams_tls_io;
"""

FUNCTIONS = """
phpstreams_tls_io *phpstreams_tls_io_new(void);
void phpstreams_tls_io_free(phpstreams_tls_io *);
void phpstreams_tls_io_set_ssl(phpstreams_tls_io *, SSL *);
uint64_t phpstreams_tls_io_handle(phpstreams_tls_io *);
int phpstreams_tls_read(uint64_t, char *, int);
"""

CUSTOMIZATIONS = """
typedef struct {
    int carried_errno;
    int callback_failed;
    int stashed;
    int ret;
    int should_close;
    /* private: */
    SSL *ssl;             /* a reference of our own (SSL_up_ref) */
    uint64_t handle;
    int refs;             /* 1 while alive + 1 per read in progress */
} phpstreams_tls_io;

typedef struct {
    phpstreams_tls_io *io; /* NULL: free slot */
    uint32_t generation;
} phpstreams_tls_slot;

static pthread_mutex_t phpstreams_tls_lock = PTHREAD_MUTEX_INITIALIZER;
static phpstreams_tls_slot *phpstreams_tls_slots = NULL;
static uint32_t phpstreams_tls_nslots = 0;

static void phpstreams_tls_io_release(phpstreams_tls_io *io)
{
    /* called with the lock held; frees on the last reference */
    if (--io->refs == 0) {
        if (io->ssl != NULL)
            SSL_free(io->ssl);
        free(io);
    }
}

phpstreams_tls_io *phpstreams_tls_io_new(void)
{
    phpstreams_tls_io *io = calloc(1, sizeof *io);
    if (io == NULL)
        return NULL;
    io->refs = 1;
    pthread_mutex_lock(&phpstreams_tls_lock);
    uint32_t i;
    for (i = 0; i < phpstreams_tls_nslots; i++)
        if (phpstreams_tls_slots[i].io == NULL)
            break;
    if (i == phpstreams_tls_nslots) {
        uint32_t n = phpstreams_tls_nslots ? phpstreams_tls_nslots * 2 : 64;
        phpstreams_tls_slot *grown = realloc(phpstreams_tls_slots, n * sizeof *grown);
        if (grown == NULL) {
            pthread_mutex_unlock(&phpstreams_tls_lock);
            free(io);
            return NULL;
        }
        for (uint32_t k = phpstreams_tls_nslots; k < n; k++) {
            grown[k].io = NULL;
            grown[k].generation = 0;
        }
        phpstreams_tls_slots = grown;
        phpstreams_tls_nslots = n;
    }
    phpstreams_tls_slot *slot = &phpstreams_tls_slots[i];
    slot->generation++;
    slot->io = io;
    io->handle = ((uint64_t)slot->generation << 32) | ((uint64_t)i + 1);
    pthread_mutex_unlock(&phpstreams_tls_lock);
    return io;
}

void phpstreams_tls_io_free(phpstreams_tls_io *io)
{
    if (io == NULL)
        return;
    pthread_mutex_lock(&phpstreams_tls_lock);
    uint32_t i = (uint32_t)(io->handle & 0xffffffffu) - 1;
    if (i < phpstreams_tls_nslots && phpstreams_tls_slots[i].io == io)
        phpstreams_tls_slots[i].io = NULL;
    phpstreams_tls_io_release(io);
    pthread_mutex_unlock(&phpstreams_tls_lock);
}

void phpstreams_tls_io_set_ssl(phpstreams_tls_io *io, SSL *ssl)
{
    if (ssl != NULL)
        SSL_up_ref(ssl);
    pthread_mutex_lock(&phpstreams_tls_lock);
    SSL *old = io->ssl;
    io->ssl = ssl;
    pthread_mutex_unlock(&phpstreams_tls_lock);
    if (old != NULL)
        SSL_free(old);
}

uint64_t phpstreams_tls_io_handle(phpstreams_tls_io *io)
{
    return io->handle;
}

/* The reader StreamCore calls: > 0 bytes read; -1 a result is stashed for the Python
   read to finish; -2 no live connection under this handle (the Python read runs). */
__attribute__((visibility("default")))
int phpstreams_tls_read(uint64_t handle, char *dst, int size)
{
    uint32_t i = (uint32_t)(handle & 0xffffffffu) - 1;
    phpstreams_tls_io *io = NULL;
    pthread_mutex_lock(&phpstreams_tls_lock);
    if (i < phpstreams_tls_nslots && phpstreams_tls_slots[i].io != NULL &&
        phpstreams_tls_slots[i].io->handle == handle &&
        phpstreams_tls_slots[i].io->ssl != NULL) {
        io = phpstreams_tls_slots[i].io;
        io->refs++;
    }
    pthread_mutex_unlock(&phpstreams_tls_lock);
    if (io == NULL)
        return -2;
    SSL *ssl = io->ssl;
    SSL_up_ref(ssl); /* set_ssl from a callback must not free it under SSL_read */
    ERR_clear_error();
    errno = io->carried_errno;
    int n = SSL_read(ssl, dst, size);
    io->carried_errno = errno;
    SSL_free(ssl);
    int result = n;
    if (!(n > 0 && !io->callback_failed && !io->should_close)) {
        io->stashed = 1;
        io->ret = n;
        result = -1;
    }
    pthread_mutex_lock(&phpstreams_tls_lock);
    phpstreams_tls_io_release(io);
    pthread_mutex_unlock(&phpstreams_tls_lock);
    return result;
}
"""
