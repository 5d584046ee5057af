/*
 * phpstreams._speedups: the C primitives under the stream object.
 *
 * What C hosts, and why (everything else is Python, and every PHP rule lives in one
 * place):
 *
 *   StreamCore      PHP's php_stream read buffer and the plain-socket I/O under it
 *                   (php_sockop_read/write). fgets on buffered lines and bulk fread
 *                   are the hot paths of every ported script; in C they cost what
 *                   Python's own readline/recv cost, with PHP's bookkeeping unchanged.
 *   fread, fgets,   The bodies of these PHP functions (read, false for PHP's failure,
 *   fwrite, fputs   the notes drained under the function's name). PHP's argument
 *                   coercions are NOT here: an argument shape other than the plain one
 *                   (an exact SocketStream, an int length, bytes/str data) goes to the
 *                   Python helper installed with install(), which applies PHP's rules
 *                   and hands back the normalised arguments (a tuple); the body then
 *                   continues here. Anything else it returns is the PHP function's
 *                   result (PHP returned early: nothing to write, or a PHP 7 argument
 *                   warning already issued). One body per function, one coercion
 *                   per function.
 *   connect_fd      socket/connect/poll/SO_ERROR on a bare descriptor for one resolved
 *                   inet address: the transport's connect primitive.
 *   poll_streams    one poll() over the descriptors of many plain socket streams, the
 *                   primitive under stream_select (whose rules stay in Python): a
 *                   Python loop registering 500 descriptors cost six times as much.
 *   the TLS first   StreamCore calls phpstreams_tls_read (in the cffi module, found
 *   read pass       with dlsym, see _native/_cdefs/fastio.py) with an integer handle
 *                   before falling back to the Python read, _op_read().
 *
 * SAFETY RULE: no pointer into a buffer or a Python object is held across a release of
 * the GIL or a call into Python (a method, a signal handler run by
 * PyErr_CheckSignals, a decref that may run a finaliser). Whatever was computed before
 * such a point is recomputed from the object after it, and checked. Any Python code may
 * run at those points -- a signal handler, another thread, a callback -- and it may get
 * a clean exception, never freed memory:
 *
 *   - A StreamCore is *busy* while one of its I/O calls runs. Every operation that
 *     could move, resize or repurpose its buffer or descriptor (read, read_line,
 *     read_record, _fill, write, discard_buffer, setting closed or _direct_fd,
 *     attaching a TLS reader) raises StreamBusyError on a busy stream. fclose from a
 *     signal handler or another thread during a read therefore raises cleanly instead
 *     of freeing what the read uses. (PHP is single-threaded and runs signal handlers
 *     between opcodes, so there is no PHP behaviour to copy here.)
 *   - Reads land at an *offset* in the buffer (or in a bytes object nobody else can
 *     see), and the destination pointer is derived again after every wait.
 *   - Writes hand Python a memoryview of the caller's object (reference-counted), never
 *     one over raw memory that could outlive the call. The data a write sends is memory
 *     pinned for the whole call: a buffer export held until the call returns (the
 *     buffer protocol keeps it valid and unresizable) or the UTF-8 form of a str the
 *     caller holds (immutable for the str's life); nothing else is read across a wait.
 *   - chunk_size accepts only what stream_set_chunk_size accepts (1 .. INT_MAX).
 *   - No C function pointer or raw address is accepted from Python.
 *
 * Theory of operation of the buffer (the same as the docstring of
 * phpstreams/_stream.py): PHP keeps readbuf[readpos:writepos] inside an allocation of
 * readbuflen bytes, and the sizes it asks the socket for are observable, so this struct
 * keeps PHP's layout and rules exactly:
 *
 *   fill(size): enough buffered -> nothing; less than chunk_size free past writepos ->
 *   compact; still less -> grow by chunk_size; then ONE low-level read of
 *   readbuflen - writepos bytes.
 *
 *   read(size) (_php_stream_read): copy what is buffered; fill once if more is wanted;
 *   socket streams return then (short reads); greedy (memory) streams loop.
 *
 *   read_line (_php_stream_get_line), read_record (php_stream_get_record) as in PHP.
 *
 * The plain-socket read (php_sockop_read) tries recv(MSG_DONTWAIT) first and polls
 * only when nothing is there, which PHP cannot tell apart from its poll-then-recv but
 * saves a system call per read. When nothing is buffered and the caller asks for at
 * least a whole fill, the data is received straight into the result object.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*tls_read_fn)(uint64_t handle, char *dst, int size);

/* Resolved once from the loaded cffi module (fastio.py); never from a Python value. */
static tls_read_fn tls_reader = NULL;

typedef struct {
    PyObject_HEAD
    char *buf;
    Py_ssize_t readpos, writepos, buflen;
    Py_ssize_t chunk_size;
    PyObject *notes;         /* list of Note records (drained by the PHP layer) */
    int eof;
    int no_buffer;
    int greedy;
    int closed;
    int direct_fd;           /* >= 0: plain socket I/O here; -1: _op_read/_op_write */
    int is_blocked;
    int timed_out;
    int timeout_empty;       /* a read timeout is an empty read, not -1 (the profile's
                                read_timeout_is_empty, set when the stream is made) */
    int timeout_ms;          /* php_tvtoto() of the stream timeout; < 0 waits forever */
    int busy;                /* an I/O call on this stream is in progress */
    uint64_t tls_handle;     /* != 0: try tls_reader(tls_handle, ...) before _op_read */
    PyObject *tls_owner;     /* the TLS engine object, kept alive while attached */
    long long received;      /* bytes the low-level reads returned (into buffer or result) */
    long long sent;          /* bytes the writes reported written */
    /* Per-stream read rules, set from the stream's profile when it is created (never a
       global): PHP 8.3+ php_sockop_read does not wait for data when the current
       _php_stream_read already has some (bug #51056), nor when the timeout is 0. */
    int no_wait_if_buffered;
    int no_wait_zero_timeout;
    int zero_timeout;        /* the stream timeout is exactly 0 s 0 us */
    int has_buffered_data;   /* PHP's stream->has_buffered_data: set inside core_read */
} StreamCore;

static PyObject *StreamBusyError; /* set in mod_exec; a RuntimeError subclass */

#define TRANSIENT(e) ((e) == EAGAIN || (e) == EWOULDBLOCK || (e) == EINTR)

/* Results of the low-level reads (>= 0 is a byte count). */
#define RD_FAILED (-1) /* PHP's -1: error or timeout */
#define RD_RAISED (-2) /* a Python exception is set */

static int
refuse_if_busy(StreamCore *s)
{
    if (!s->busy)
        return 0;
    PyErr_SetString(StreamBusyError,
                    "phpstreams: the stream is busy in another call (a signal handler or "
                    "another thread used it during a blocking operation)");
    return -1;
}

static int
enter(StreamCore *s)
{
    if (refuse_if_busy(s) < 0)
        return -1;
    s->busy = 1;
    return 0;
}

static inline void
leave(StreamCore *s)
{
    s->busy = 0;
}

static long long
monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --------------------------------------------------------------------------------
 * Where a low-level read lands: the stream buffer at an offset, or a bytes object
 * private to the caller. The pointer is derived (and bounds-checked) at the moment of
 * the copy, never carried across a wait.
 */

typedef struct {
    PyObject *bytes; /* NULL: the stream buffer */
    Py_ssize_t off;
    Py_ssize_t size;
} Dest;

static char *
dest_ptr(StreamCore *s, const Dest *d)
{
    if (d->bytes != NULL) {
        if (d->off + d->size > PyBytes_GET_SIZE(d->bytes))
            goto moved;
        return PyBytes_AS_STRING(d->bytes) + d->off;
    }
    if (s->buf == NULL || d->off + d->size > s->buflen)
        goto moved;
    return s->buf + d->off;
moved:
    PyErr_SetString(PyExc_RuntimeError, "phpstreams: a read destination changed during the read");
    return NULL;
}

/* poll() one descriptor with the GIL released: 1 ready, 0 timed out, RD_RAISED (a signal
 * handler raised). EINTR is retried with the time left; signal handlers run between. */
static int
wait_fd(StreamCore *s, short events)
{
    int timeout_ms = s->timeout_ms;
    long long deadline = timeout_ms >= 0 ? monotonic_ms() + timeout_ms : 0;
    for (;;) {
        int fd = s->direct_fd;
        if (fd < 0)
            return 1; /* the caller's next system call reports it */
        struct pollfd p = {fd, events, 0};
        int r, err;
        Py_BEGIN_ALLOW_THREADS
        r = poll(&p, 1, timeout_ms);
        err = errno;
        Py_END_ALLOW_THREADS
        if (r >= 0)
            return r > 0;
        if (err != EINTR)
            return 1; /* let the next call report the error */
        if (PyErr_CheckSignals())
            return RD_RAISED;
        if (timeout_ms >= 0) {
            long long left = deadline - monotonic_ms();
            timeout_ms = left > 0 ? (int)left : 0;
        }
    }
}

static Py_ssize_t
recv_into(StreamCore *s, const Dest *d)
{
    char *dst = dest_ptr(s, d);
    if (dst == NULL)
        return RD_RAISED;
    if (s->direct_fd < 0) {
        errno = EBADF;
        return -1;
    }
    return recv(s->direct_fd, dst, (size_t)d->size, MSG_DONTWAIT);
}

/* Whether a blocking read returns at once instead of waiting for data (8.3+ rules). */
static int
read_dont_wait(const StreamCore *s)
{
    return (s->no_wait_if_buffered && s->has_buffered_data) ||
           (s->no_wait_zero_timeout && s->zero_timeout);
}

/* php_sockop_read */
static Py_ssize_t
sock_recv(StreamCore *s, const Dest *d)
{
    Py_ssize_t n;
    if (s->is_blocked)
        s->timed_out = 0;
    n = recv_into(s, d);
    if (n == RD_RAISED)
        return n;
    if (n < 0) {
        if (!TRANSIENT(errno)) {
            s->eof = 1;
            return RD_FAILED;
        }
        if (!s->is_blocked || read_dont_wait(s))
            return 0;
        int w = wait_fd(s, POLLIN | POLLPRI);
        if (w == RD_RAISED)
            return RD_RAISED;
        if (w == 0) {
            s->timed_out = 1;
            return s->timeout_empty ? 0 : RD_FAILED;
        }
        n = recv_into(s, d); /* the destination is derived again after the wait */
        if (n == RD_RAISED)
            return n;
        if (n < 0) {
            if (TRANSIENT(errno))
                return 0;
            s->eof = 1;
            return RD_FAILED;
        }
    }
    if (n == 0)
        s->eof = 1;
    return n;
}

/* A read through the Python subclass: self._op_read(size) -> bytes | None. */
static Py_ssize_t
py_read_into(StreamCore *s, const Dest *d)
{
    PyObject *r = PyObject_CallMethod((PyObject *)s, "_op_read", "n", d->size);
    if (r == NULL)
        return RD_RAISED;
    if (r == Py_None) {
        Py_DECREF(r);
        return RD_FAILED;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(r, &view, PyBUF_SIMPLE) < 0) {
        Py_DECREF(r);
        return RD_RAISED;
    }
    Py_ssize_t n = view.len > d->size ? d->size : view.len;
    char *dst = dest_ptr(s, d); /* after the call: it may have run any Python code */
    if (dst != NULL)
        memcpy(dst, view.buf, (size_t)n);
    PyBuffer_Release(&view);
    Py_DECREF(r);
    return dst == NULL ? RD_RAISED : n;
}

static Py_ssize_t raw_read_once(StreamCore *s, const Dest *d);

/* Every low-level read goes through here: PHP's stream position (ftell on a socket) is
 * received - buffered + sent (see SocketStream.tell). */
static Py_ssize_t
raw_read(StreamCore *s, const Dest *d)
{
    Py_ssize_t n = raw_read_once(s, d);
    if (n > 0)
        s->received += n;
    return n;
}

static Py_ssize_t
raw_read_once(StreamCore *s, const Dest *d)
{
    if (s->direct_fd >= 0)
        return sock_recv(s, d);
    if (s->tls_handle != 0 && tls_reader != NULL && s->tls_owner != NULL) {
        char *dst = dest_ptr(s, d);
        if (dst == NULL)
            return RD_RAISED;
        /* OpenSSL may call Python callbacks during SSL_read. The buffer cannot move
           (the stream is busy) and the engine object is kept alive by this reference;
           fastio.py keeps the connection's own state alive by its reference count. */
        PyObject *owner = Py_NewRef(s->tls_owner);
        int size = d->size > INT_MAX ? INT_MAX : (int)d->size;
        int n = tls_reader(s->tls_handle, dst, size);
        Py_DECREF(owner);
        if (n > 0)
            return n;
    }
    return py_read_into(s, d);
}

/* --------------------------------------------------------------------------------
 * the buffer
 */

static int
ensure_capacity(StreamCore *s, Py_ssize_t cap)
{
    char *b = PyMem_Realloc(s->buf, (size_t)(cap ? cap : 1));
    if (b == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    s->buf = b;
    s->buflen = cap;
    return 0;
}

/* _php_stream_fill_read_buffer: 0 ok, -1 low-level read failed, -2 exception. */
static int
core_fill(StreamCore *s, Py_ssize_t size)
{
    Py_ssize_t unread = s->writepos - s->readpos;
    if (unread >= size)
        return 0;
    Py_ssize_t chunk = s->chunk_size;
    if (s->buf != NULL && s->buflen - s->writepos < chunk) {
        if (unread > 0)
            memmove(s->buf, s->buf + s->readpos, (size_t)unread);
        s->writepos = unread;
        s->readpos = 0;
    }
    if (s->buflen - s->writepos < chunk) {
        if (chunk > PY_SSIZE_T_MAX - s->buflen) {
            PyErr_NoMemory();
            return -2;
        }
        if (ensure_capacity(s, s->buflen + chunk) < 0)
            return -2;
    }
    Dest d = {NULL, s->writepos, s->buflen - s->writepos};
    Py_ssize_t n = raw_read(s, &d);
    if (n == RD_RAISED)
        return -2;
    if (n < 0)
        return -1;
    if (d.off != s->writepos || s->writepos + n > s->buflen) {
        PyErr_SetString(PyExc_RuntimeError, "phpstreams: the stream buffer changed during a read");
        return -2;
    }
    s->writepos += n;
    return 0;
}

static PyObject *
take(StreamCore *s, Py_ssize_t n)
{
    PyObject *r = PyBytes_FromStringAndSize(s->buf + s->readpos, n);
    if (r != NULL)
        s->readpos += n;
    return r;
}

/* A growing result (bytes objects of size 0 and 1 are shared singletons, so a result
 * is assembled here and made into bytes once). */
typedef struct {
    char *p;
    Py_ssize_t len, cap;
} Acc;

static int
acc_add(Acc *a, const char *src, Py_ssize_t n)
{
    if (n > a->cap - a->len) {
        Py_ssize_t cap = a->cap ? a->cap : 64;
        while (cap - a->len < n)
            cap *= 2;
        char *p = PyMem_Realloc(a->p, (size_t)cap);
        if (p == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        a->p = p;
        a->cap = cap;
    }
    memcpy(a->p + a->len, src, (size_t)n);
    a->len += n;
    return 0;
}

/* The accumulated bytes; None (no reference stolen) when nothing was added and
 * none_if_empty is set. Frees the accumulator either way. */
static PyObject *
acc_finish(Acc *a, int none_if_empty)
{
    PyObject *r;
    if (a->p == NULL && none_if_empty)
        r = Py_NewRef(Py_None);
    else
        r = PyBytes_FromStringAndSize(a->p ? a->p : "", a->len);
    PyMem_Free(a->p);
    a->p = NULL;
    return r;
}

/* Copy n buffered bytes to the accumulator and consume them. */
static int
acc_take(Acc *a, StreamCore *s, Py_ssize_t n)
{
    if (acc_add(a, s->buf + s->readpos, n) < 0)
        return -1;
    s->readpos += n;
    return 0;
}

static PyObject *core_read_body(StreamCore *s, Py_ssize_t size);

/* _php_stream_read: bytes (possibly short, b"" at EOF) or None (PHP's false).
   has_buffered_data lives only for the duration of one call, as in PHP. */
static PyObject *
core_read(StreamCore *s, Py_ssize_t size)
{
    s->has_buffered_data = 0;
    PyObject *r = core_read_body(s, size);
    s->has_buffered_data = 0;
    return r;
}

static PyObject *
core_read_body(StreamCore *s, Py_ssize_t size)
{
    Py_ssize_t unread = s->writepos - s->readpos;

    if (size <= 0)
        return PyBytes_FromStringAndSize(NULL, 0);
    if (unread == 0 && !s->greedy && !s->no_buffer && s->chunk_size != 1) {
        /* Fast path: nothing buffered, one fill; when the fill would be consumed
           whole, receive straight into the result. */
        Py_ssize_t chunk = s->chunk_size;
        if (s->buf != NULL && s->buflen - s->writepos < chunk) {
            s->writepos = 0;
            s->readpos = 0;
        }
        if (s->buflen - s->writepos < chunk) {
            if (chunk > PY_SSIZE_T_MAX - s->buflen)
                return PyErr_NoMemory();
            if (ensure_capacity(s, s->buflen + chunk) < 0)
                return NULL;
        }
        Py_ssize_t want = s->buflen - s->writepos;
        if (size >= want) {
            PyObject *r = PyBytes_FromStringAndSize(NULL, want);
            if (r == NULL)
                return NULL;
            Dest d = {r, 0, want};
            Py_ssize_t n = raw_read(s, &d);
            if (n == RD_RAISED) {
                Py_DECREF(r);
                return NULL;
            }
            if (n < 0) {
                Py_DECREF(r);
                Py_RETURN_NONE;
            }
            /* PHP's bookkeeping: the fill landed at writepos and was consumed whole. */
            if (s->writepos + n <= s->buflen) {
                s->writepos += n;
                s->readpos = s->writepos;
            }
            if (n != want && _PyBytes_Resize(&r, n) < 0)
                return NULL;
            return r;
        }
    }

    Acc acc = {NULL, 0, 0};
    Py_ssize_t didread = 0;
    while (size > 0) {
        unread = s->writepos - s->readpos;
        if (unread) {
            Py_ssize_t n = unread < size ? unread : size;
            if (acc_take(&acc, s, n) < 0)
                goto error;
            size -= n;
            didread += n;
            if (size == 0)
                break;
        }
        if (didread > 0)
            s->has_buffered_data = 1;
        Py_ssize_t toread;
        if (s->no_buffer || s->chunk_size == 1) {
            PyObject *tmp = PyBytes_FromStringAndSize(NULL, size);
            if (tmp == NULL)
                goto error;
            Dest d = {tmp, 0, size};
            toread = raw_read(s, &d);
            if (toread == RD_RAISED) {
                Py_DECREF(tmp);
                goto error;
            }
            if (toread < 0) {
                Py_DECREF(tmp);
                if (didread == 0) {
                    PyMem_Free(acc.p);
                    Py_RETURN_NONE;
                }
                break;
            }
            if (toread > 0 && acc_add(&acc, PyBytes_AS_STRING(tmp), toread) < 0) {
                Py_DECREF(tmp);
                goto error;
            }
            Py_DECREF(tmp);
        }
        else {
            int f = core_fill(s, size);
            if (f == -2)
                goto error;
            if (f == -1) {
                if (didread == 0) {
                    PyMem_Free(acc.p);
                    Py_RETURN_NONE;
                }
                break;
            }
            toread = s->writepos - s->readpos;
            if (toread > size)
                toread = size;
            if (toread > 0 && acc_take(&acc, s, toread) < 0)
                goto error;
        }
        if (toread <= 0)
            break;
        didread += toread;
        size -= toread;
        if (!s->greedy)
            break;
    }
    return acc_finish(&acc, 0);
error:
    PyMem_Free(acc.p);
    return NULL;
}

/* _php_stream_get_line: maxlen < 0 means no limit (fgets without a length). */
static PyObject *
core_read_line(StreamCore *s, Py_ssize_t maxlen)
{
    Py_ssize_t avail = s->writepos - s->readpos;
    if (maxlen < 0 && avail > 0) {
        char *start = s->buf + s->readpos;
        char *nl = memchr(start, '\n', (size_t)avail);
        if (nl != NULL)
            return take(s, nl - start + 1);
    }
    if (maxlen == 0)
        Py_RETURN_NONE;

    Acc acc = {NULL, 0, 0};
    Py_ssize_t room = maxlen;
    for (;;) {
        avail = s->writepos - s->readpos;
        if (avail > 0) {
            char *start = s->buf + s->readpos;
            char *nl = memchr(start, '\n', (size_t)avail);
            int done = nl != NULL;
            Py_ssize_t cpysz = done ? nl - start + 1 : avail;
            if (room >= 0 && cpysz >= room - 1) {
                cpysz = room - 1;
                done = 1;
            }
            if (cpysz > 0 && acc_take(&acc, s, cpysz) < 0)
                goto error;
            if (room >= 0)
                room -= cpysz;
            if (done)
                break;
        }
        else if (s->eof) {
            break;
        }
        else {
            Py_ssize_t toread = s->chunk_size;
            if (room >= 0 && room - 1 < toread)
                toread = room - 1;
            if (core_fill(s, toread) == -2)
                goto error;
            if (s->writepos - s->readpos == 0)
                break;
        }
    }
    return acc_finish(&acc, 1);
error:
    PyMem_Free(acc.p);
    return NULL;
}

/* Offset (from readpos) of delim within the first maxlen buffered bytes, or -1. */
static Py_ssize_t
search_delim(StreamCore *s, Py_ssize_t maxlen, Py_ssize_t skip, const char *delim,
             Py_ssize_t dlen)
{
    Py_ssize_t seek_len = s->writepos - s->readpos;
    if (seek_len > maxlen)
        seek_len = maxlen;
    if (seek_len <= skip)
        return -1;
    const char *start = s->buf + s->readpos + skip;
    Py_ssize_t hay = seek_len - skip;
    if (dlen == 1) {
        const char *p = memchr(start, delim[0], (size_t)hay);
        return p ? (p - (s->buf + s->readpos)) : -1;
    }
    if (dlen > hay)
        return -1;
    for (Py_ssize_t i = 0; i + dlen <= hay; i++) {
        if (start[i] == delim[0] && memcmp(start + i, delim, (size_t)dlen) == 0)
            return skip + i;
    }
    return -1;
}

/* php_stream_get_record (stream_get_line). The delimiter is a private copy. */
static PyObject *
core_read_record(StreamCore *s, Py_ssize_t maxlen, const char *delim, Py_ssize_t dlen)
{
    if (maxlen <= 0)
        Py_RETURN_NONE;
    Py_ssize_t found = -1;
    if (dlen)
        found = search_delim(s, maxlen, 0, delim, dlen);
    Py_ssize_t buffered = s->writepos - s->readpos;
    while (found < 0 && buffered < maxlen) {
        Py_ssize_t to_read = maxlen - buffered;
        if (to_read > s->chunk_size)
            to_read = s->chunk_size;
        if (core_fill(s, buffered + to_read) == -2)
            return NULL;
        Py_ssize_t just_read = (s->writepos - s->readpos) - buffered;
        if (just_read <= 0)
            break;
        if (dlen) {
            Py_ssize_t skip = buffered >= dlen - 1 ? buffered - (dlen - 1) : 0;
            found = search_delim(s, maxlen, skip, delim, dlen);
            if (found >= 0)
                break;
        }
        buffered += just_read;
    }
    Py_ssize_t amount = s->writepos - s->readpos, length;
    if (dlen && found >= 0)
        length = found;
    else if (!dlen && amount >= maxlen)
        length = maxlen;
    else {
        if (amount < maxlen && !s->eof)
            Py_RETURN_NONE;
        if (amount == 0 && s->eof)
            Py_RETURN_NONE;
        length = amount < maxlen ? amount : maxlen;
    }
    PyObject *r = take(s, length);
    if (r != NULL && dlen && found >= 0)
        s->readpos += dlen;
    return r;
}

/* --------------------------------------------------------------------------------
 * writes: _php_stream_write_buffer over php_sockop_write (direct fd) or _op_write.
 * The data is a buffer exported by `owner` (held by the caller for the whole call, so
 * the memory stays valid and cannot be resized) or, with owner NULL, the UTF-8 cache of
 * a str the caller holds. Python sees only memoryviews made from `owner`.
 */

static Py_ssize_t
op_write(StreamCore *s, PyObject **owner, const char *data, Py_ssize_t off, Py_ssize_t count)
{
    if (*owner == NULL) {
        /* str data: Python gets its own bytes copy, whatever it keeps of the view. */
        *owner = PyBytes_FromStringAndSize(data - off, off + count);
        if (*owner == NULL)
            return RD_RAISED;
    }
    PyObject *whole = PyMemoryView_FromObject(*owner);
    if (whole == NULL)
        return RD_RAISED;
    PyObject *view = PySequence_GetSlice(whole, off, off + count);
    Py_DECREF(whole);
    if (view == NULL)
        return RD_RAISED;
    PyObject *r = PyObject_CallMethod((PyObject *)s, "_op_write", "O", view);
    Py_DECREF(view);
    if (r == NULL)
        return RD_RAISED;
    Py_ssize_t n = PyLong_AsSsize_t(r);
    Py_DECREF(r);
    if (n == -1 && PyErr_Occurred())
        return RD_RAISED;
    if (n > count)
        n = count;
    return n;
}

static Py_ssize_t
core_write(StreamCore *s, PyObject *owner, const char *data, Py_ssize_t count)
{
    Py_ssize_t didwrite = 0;
    PyObject *copy = NULL; /* bytes made for str data that goes to _op_write */
    Py_ssize_t result;
    while (didwrite < count) {
        Py_ssize_t left = count - didwrite, n;
        if (s->direct_fd >= 0) {
            n = send(s->direct_fd, data + didwrite, (size_t)left, MSG_DONTWAIT);
            if (n < 0) {
                int err = errno;
                if (TRANSIENT(err)) {
                    if (!s->is_blocked) {
                        n = 0; /* EAGAIN on a non-blocking stream is not an error */
                        goto written;
                    }
                    s->timed_out = 0;
                    int w = wait_fd(s, POLLOUT);
                    if (w == RD_RAISED) {
                        result = RD_RAISED;
                        goto out;
                    }
                    if (w == 1)
                        continue;
                    s->timed_out = 1;
                }
                PyObject *r = PyObject_CallMethod((PyObject *)s, "_send_failed", "ni", left, err);
                if (r == NULL) {
                    result = RD_RAISED;
                    goto out;
                }
                Py_DECREF(r);
                n = -1;
            }
        }
        else {
            PyObject *src = owner != NULL ? owner : copy;
            n = op_write(s, &src, data + didwrite, didwrite, left);
            if (owner == NULL && copy == NULL)
                copy = src;
            if (n == RD_RAISED) {
                result = RD_RAISED;
                goto out;
            }
        }
    written:
        if (n <= 0) {
            result = didwrite ? didwrite : n;
            goto out;
        }
        didwrite += n;
    }
    result = didwrite;
out:
    Py_XDECREF(copy);
    if (result > 0)
        s->sent += result;
    return result;
}

/* --------------------------------------------------------------------------------
 * StreamCore: methods and attributes
 */

static int
core_traverse(StreamCore *s, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(s));
    Py_VISIT(s->notes);
    Py_VISIT(s->tls_owner);
    return 0;
}

static int
core_clear(StreamCore *s)
{
    Py_CLEAR(s->notes);
    s->tls_handle = 0;
    Py_CLEAR(s->tls_owner);
    return 0;
}

static void
core_dealloc(StreamCore *s)
{
    PyTypeObject *tp = Py_TYPE(s);
    PyObject_GC_UnTrack(s);
    core_clear(s);
    PyMem_Free(s->buf);
    tp->tp_free((PyObject *)s);
    Py_DECREF(tp);
}

static PyObject *
core_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    StreamCore *s = (StreamCore *)type->tp_alloc(type, 0);
    if (s == NULL)
        return NULL;
    s->chunk_size = 8192;
    s->direct_fd = -1;
    s->is_blocked = 1;
    s->timeout_ms = -1;
    s->notes = PyList_New(0);
    if (s->notes == NULL) {
        Py_DECREF(s);
        return NULL;
    }
    return (PyObject *)s;
}

static PyObject *
guarded_read(StreamCore *s, Py_ssize_t n)
{
    if (enter(s) < 0)
        return NULL;
    PyObject *r = core_read(s, n);
    leave(s);
    return r;
}

static PyObject *
guarded_read_line(StreamCore *s, Py_ssize_t maxlen)
{
    if (enter(s) < 0)
        return NULL;
    PyObject *r = core_read_line(s, maxlen);
    leave(s);
    return r;
}

/* -2 with an exception, else core_write's result */
static Py_ssize_t
guarded_write(StreamCore *s, PyObject *owner, const char *data, Py_ssize_t count)
{
    if (enter(s) < 0)
        return RD_RAISED;
    Py_ssize_t n = count ? core_write(s, owner, data, count) : 0;
    leave(s);
    return n;
}

static PyObject *
m_read(StreamCore *s, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    return guarded_read(s, n);
}

static PyObject *
m_read_line(StreamCore *s, PyObject *const *args, Py_ssize_t nargs)
{
    Py_ssize_t maxlen = -1;
    if (nargs > 1) {
        PyErr_SetString(PyExc_TypeError, "read_line(maxlen=None)");
        return NULL;
    }
    if (nargs == 1 && args[0] != Py_None) {
        maxlen = PyLong_AsSsize_t(args[0]);
        if (maxlen == -1 && PyErr_Occurred())
            return NULL;
        if (maxlen < 0)
            maxlen = 0;
    }
    return guarded_read_line(s, maxlen);
}

static PyObject *
m_read_record(StreamCore *s, PyObject *args)
{
    Py_ssize_t maxlen;
    Py_buffer view;
    if (!PyArg_ParseTuple(args, "ny*", &maxlen, &view))
        return NULL;
    /* A private copy: the caller's object could change while Python code runs. */
    PyObject *delim = PyBytes_FromStringAndSize(view.buf, view.len);
    PyBuffer_Release(&view);
    if (delim == NULL)
        return NULL;
    PyObject *r = NULL;
    if (enter(s) == 0) {
        r = core_read_record(s, maxlen, PyBytes_AS_STRING(delim), PyBytes_GET_SIZE(delim));
        leave(s);
    }
    Py_DECREF(delim);
    return r;
}

static PyObject *
m_fill(StreamCore *s, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (enter(s) < 0)
        return NULL;
    int r = core_fill(s, n);
    leave(s);
    if (r == -2)
        return NULL;
    return PyBool_FromLong(r == 0);
}

static PyObject *
m_write(StreamCore *s, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    Py_ssize_t n = guarded_write(s, arg, view.buf, view.len);
    PyBuffer_Release(&view);
    if (n == RD_RAISED)
        return NULL;
    return PyLong_FromSsize_t(n);
}

static int
resolve_tls_reader(void)
{
    if (tls_reader != NULL)
        return 0;
    PyObject *mod = PyImport_ImportModule("phpstreams._native._openssl");
    if (mod == NULL)
        return -1;
    PyObject *file = PyObject_GetAttrString(mod, "__file__");
    Py_DECREF(mod);
    if (file == NULL)
        return -1;
    PyObject *path = PyUnicode_EncodeFSDefault(file);
    Py_DECREF(file);
    if (path == NULL)
        return -1;
    void *lib = dlopen(PyBytes_AS_STRING(path), RTLD_LAZY | RTLD_NOLOAD);
    Py_DECREF(path);
    void *fn = lib == NULL ? NULL : dlsym(lib, "phpstreams_tls_read");
    if (lib != NULL)
        dlclose(lib); /* RTLD_NOLOAD took a reference of its own */
    if (fn == NULL) {
        PyErr_SetString(PyExc_ImportError,
                        "phpstreams: phpstreams_tls_read not found in the loaded OpenSSL binding");
        return -1;
    }
    tls_reader = (tls_read_fn)fn;
    return 0;
}

static PyObject *
m_attach_tls_reader(StreamCore *s, PyObject *args)
{
    PyObject *owner;
    unsigned long long handle;
    if (!PyArg_ParseTuple(args, "OK", &owner, &handle))
        return NULL;
    if (refuse_if_busy(s) < 0)
        return NULL;
    if (owner == Py_None || handle == 0) {
        s->tls_handle = 0;
        Py_CLEAR(s->tls_owner);
        Py_RETURN_NONE;
    }
    if (resolve_tls_reader() < 0)
        return NULL;
    s->tls_handle = (uint64_t)handle;
    Py_XSETREF(s->tls_owner, Py_NewRef(owner));
    Py_RETURN_NONE;
}

static PyObject *
m_discard_buffer(StreamCore *s, PyObject *unused)
{
    if (refuse_if_busy(s) < 0)
        return NULL;
    s->received -= s->writepos - s->readpos;
    s->readpos = s->writepos = 0;
    Py_RETURN_NONE;
}

static PyObject *
m_buffered(StreamCore *s, PyObject *unused)
{
    return PyBytes_FromStringAndSize(s->buf ? s->buf + s->readpos : "", s->writepos - s->readpos);
}

static PyMethodDef core_methods[] = {
    {"read", (PyCFunction)m_read, METH_O,
     "_php_stream_read: data (a short read is normal), b'' at EOF, None for false."},
    {"read_line", (PyCFunction)(void (*)(void))m_read_line, METH_FASTCALL,
     "_php_stream_get_line (fgets); maxlen is the C buffer size (at most maxlen-1 bytes)."},
    {"read_record", (PyCFunction)m_read_record, METH_VARARGS,
     "php_stream_get_record (stream_get_line)."},
    {"_fill", (PyCFunction)m_fill, METH_O,
     "_php_stream_fill_read_buffer; False when the low-level read failed."},
    {"write", (PyCFunction)m_write, METH_O,
     "_php_stream_write: bytes written (partial on a later error), 0, or -1."},
    {"_attach_tls_reader", (PyCFunction)m_attach_tls_reader, METH_VARARGS,
     "_attach_tls_reader(owner, handle): the TLS engine's C first read pass, by the\n"
     "connection's handle (validated in C); (None, 0) removes it."},
    {"discard_buffer", (PyCFunction)m_discard_buffer, METH_NOARGS,
     "Forget the buffered data (readpos = writepos = 0)."},
    {"buffered", (PyCFunction)m_buffered, METH_NOARGS, "The unread buffered bytes."},
    {NULL}};

/* Flag members: a getter and a setter each; `guard` refuses the change while busy. */
static int
set_flag(StreamCore *s, PyObject *v, int *field, int guard, const char *name)
{
    if (v == NULL) {
        PyErr_Format(PyExc_AttributeError, "cannot delete %s", name);
        return -1;
    }
    int x = PyObject_IsTrue(v);
    if (x < 0 || (guard && refuse_if_busy(s) < 0))
        return -1;
    *field = x;
    return 0;
}

static int
set_int(StreamCore *s, PyObject *v, int *field, int guard, const char *name)
{
    if (v == NULL) {
        PyErr_Format(PyExc_AttributeError, "cannot delete %s", name);
        return -1;
    }
    int overflow;
    long x = PyLong_AsLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred())
        return -1;
    if (overflow || x < INT_MIN || x > INT_MAX) {
        PyErr_Format(PyExc_ValueError, "%s out of range", name);
        return -1;
    }
    if (guard && refuse_if_busy(s) < 0)
        return -1;
    *field = (int)x;
    return 0;
}

#define FLAG(field, guard)                                                                   \
    static PyObject *get_##field(StreamCore *s, void *c) { return PyBool_FromLong(s->field); } \
    static int set_##field(StreamCore *s, PyObject *v, void *c)                              \
    {                                                                                        \
        return set_flag(s, v, &s->field, guard, #field);                                     \
    }
#define INT(field, guard)                                                                    \
    static PyObject *get_##field(StreamCore *s, void *c) { return PyLong_FromLong(s->field); } \
    static int set_##field(StreamCore *s, PyObject *v, void *c)                              \
    {                                                                                        \
        return set_int(s, v, &s->field, guard, #field);                                      \
    }

FLAG(eof, 0)
FLAG(no_buffer, 0)
FLAG(greedy, 0)
FLAG(closed, 1)
FLAG(is_blocked, 0)
FLAG(timed_out, 0)
FLAG(timeout_empty, 0)
FLAG(no_wait_if_buffered, 0)
FLAG(no_wait_zero_timeout, 0)
FLAG(zero_timeout, 0)
INT(direct_fd, 1)
INT(timeout_ms, 0)

static PyObject *
get_chunk_size(StreamCore *s, void *c)
{
    return PyLong_FromSsize_t(s->chunk_size);
}

static int
set_chunk_size(StreamCore *s, PyObject *v, void *c)
{
    /* stream_set_chunk_size's range. A change while busy takes effect at the next fill:
       a fill reads chunk_size before its low-level read and never after. */
    int x;
    if (set_int(s, v, &x, 0, "chunk_size") < 0)
        return -1;
    if (x < 1) {
        PyErr_SetString(PyExc_ValueError, "chunk_size out of range");
        return -1;
    }
    s->chunk_size = x;
    return 0;
}

static PyObject *
get_notes(StreamCore *s, void *c)
{
    return Py_NewRef(s->notes);
}

static int
set_notes(StreamCore *s, PyObject *v, void *c)
{
    if (v == NULL || !PyList_Check(v)) {
        PyErr_SetString(PyExc_TypeError, "notes must be a list");
        return -1;
    }
    Py_XSETREF(s->notes, Py_NewRef(v));
    return 0;
}

static PyObject *
get_unread(StreamCore *s, void *c)
{
    return PyLong_FromSsize_t(s->writepos - s->readpos);
}

static PyObject *
get_bookkeeping(StreamCore *s, void *c)
{
    return Py_BuildValue("(nnn)", s->readpos, s->writepos, s->buflen);
}

static PyObject *
get_io_totals(StreamCore *s, void *c)
{
    return Py_BuildValue("(LL)", s->received, s->sent);
}

static PyObject *
get_has_buffered_data(StreamCore *s, void *c)
{
    return PyBool_FromLong(s->has_buffered_data);
}

static PyObject *
get_busy(StreamCore *s, void *c)
{
    return PyBool_FromLong(s->busy);
}

#define GS(name, doc) {#name, (getter)get_##name, (setter)set_##name, doc, NULL}
/* The same, under a private (leading underscore) Python name: internals that only the
 * stream object sets, so that no public-looking attribute aims C's I/O. */
#define GS_PRIVATE(name, doc) {"_" #name, (getter)get_##name, (setter)set_##name, doc, NULL}

static PyGetSetDef core_getset[] = {
    GS(eof, "The stream's EOF flag as the last I/O set it."),
    GS(no_buffer, "PHP_STREAM_FLAG_NO_BUFFER: reads bypass the buffer."),
    GS(greedy, "Keep reading until the request is met (memory streams)."),
    GS(closed, "Closed (freed) stream. Cannot change while the stream is busy."),
    GS(is_blocked, "PHP's is_blocked (what meta data reports as 'blocked')."),
    GS(timed_out, "PHP's timeout_event."),
    GS(timeout_empty, "A read timeout reads nothing (0) instead of failing (-1)."),
    GS_PRIVATE(direct_fd, "Socket for plain I/O in C, or -1 to use _op_read/_op_write."),
    GS_PRIVATE(timeout_ms, "poll() timeout in milliseconds (negative: forever)."),
    GS(chunk_size, "PHP's chunk_size (1 .. INT_MAX)."),
    GS(notes, "Diagnostics raised by I/O, drained by the PHP-facing layer."),
    GS(no_wait_if_buffered,
       "8.3+ read rule (from the profile): no wait when this read already has data."),
    GS(no_wait_zero_timeout,
       "8.3+ read rule (from the profile): no wait when the timeout is exactly 0."),
    GS(zero_timeout, "The stream timeout is exactly 0 s 0 us."),
    {"has_buffered_data", (getter)get_has_buffered_data, NULL,
     "PHP's has_buffered_data: the read in progress already has data.", NULL},
    {"unread_bytes", (getter)get_unread, NULL, "Bytes buffered and not yet read.", NULL},
    {"bookkeeping", (getter)get_bookkeeping, NULL, "(readpos, writepos, readbuflen)", NULL},
    {"busy", (getter)get_busy, NULL, "An I/O call on this stream is in progress.", NULL},
    {"io_totals", (getter)get_io_totals, NULL,
     "(bytes received by low-level reads, bytes written): PHP's position.", NULL},
    {NULL}};

static PyType_Slot core_slots[] = {
    {Py_tp_doc, "PHP's php_stream buffer layer (see phpstreams._stream)."},
    {Py_tp_new, core_new},
    {Py_tp_dealloc, core_dealloc},
    {Py_tp_traverse, core_traverse},
    {Py_tp_clear, core_clear},
    {Py_tp_methods, core_methods},
    {Py_tp_getset, core_getset},
    {0, NULL}};

static PyType_Spec core_spec = {
    "phpstreams._speedups.StreamCore",
    sizeof(StreamCore),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC,
    core_slots,
};

/* --------------------------------------------------------------------------------
 * fread / fgets / fwrite / fputs: the function bodies. The plain argument shape is
 * recognised here; every other shape goes to the Python coercion helper registered
 * with install(), which raises PHP's errors or returns the normalised arguments (a
 * tuple) or the PHP result itself (anything else). An explicit None length goes to the
 * helper too: whether null means "no limit" or 0 is the profile's (PHP 8 / PHP 7).
 * With fast paths off (install(..., fast=False)) every call goes through the helper
 * and the stream's Python-visible methods.
 */

typedef struct {
    PyTypeObject *core_type;
    PyObject *socket_type;   /* the class whose plain shape is recognised (exactly) */
    PyObject *fread_args, *fgets_args, *fwrite_args, *drain;
    PyObject *s_fread, *s_fgets, *s_fwrite, *s_fputs, *s_read_line;
    int fast;
} ModState;

static ModState *
state(PyObject *mod)
{
    return (ModState *)PyModule_GetState(mod);
}

static int
ready(ModState *st)
{
    if (st->drain != NULL)
        return 1;
    PyErr_SetString(PyExc_RuntimeError, "phpstreams._speedups: install() was not called");
    return 0;
}

static int
plain_stream(ModState *st, PyObject *obj)
{
    return st->fast && (PyObject *)Py_TYPE(obj) == st->socket_type &&
           !((StreamCore *)obj)->closed;
}

/* The helper's (stream, value) result, checked: a new reference to the stream. */
static PyObject *
unpack_args(ModState *st, PyObject *pair, PyObject **value)
{
    if (pair == NULL)
        return NULL;
    if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2 ||
        !PyObject_TypeCheck(PyTuple_GET_ITEM(pair, 0), st->core_type)) {
        PyErr_SetString(PyExc_TypeError, "phpstreams: a coercion helper returned a bad value");
        Py_DECREF(pair);
        return NULL;
    }
    PyObject *stream = Py_NewRef(PyTuple_GET_ITEM(pair, 0));
    *value = Py_NewRef(PyTuple_GET_ITEM(pair, 1));
    Py_DECREF(pair);
    return stream;
}

/* The notes a call left, drained under the PHP function's name; steals result. */
static PyObject *
after(ModState *st, PyObject *stream, PyObject *result, PyObject *name)
{
    if (result != NULL && PyList_GET_SIZE(((StreamCore *)stream)->notes) > 0) {
        PyObject *r = PyObject_CallFunctionObjArgs(st->drain, stream, name, NULL);
        if (r == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        Py_DECREF(r);
    }
    return result;
}

/* None (PHP's false from the stream layer) -> False; steals r. */
static PyObject *
none_to_false(PyObject *r)
{
    if (r == Py_None) {
        Py_DECREF(r);
        Py_RETURN_FALSE;
    }
    return r;
}

static PyObject *
php_fread(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    if (!ready(st))
        return NULL;
    PyObject *stream = NULL, *r;
    Py_ssize_t n = 0;
    if (kwnames == NULL && nargs == 2 && plain_stream(st, args[0]) &&
        PyLong_CheckExact(args[1])) {
        n = PyLong_AsSsize_t(args[1]);
        if (n == -1 && PyErr_Occurred())
            PyErr_Clear();
        else if (n > 0)
            stream = Py_NewRef(args[0]);
    }
    if (stream == NULL) {
        PyObject *length;
        PyObject *got = PyObject_Vectorcall(st->fread_args, args, (size_t)nargs, kwnames);
        if (got != NULL && !PyTuple_CheckExact(got))
            return got; /* PHP returned early (a PHP 7 argument warning) */
        stream = unpack_args(st, got, &length);
        if (stream == NULL)
            return NULL;
        n = PyLong_AsSsize_t(length);
        Py_DECREF(length);
        if (n == -1 && PyErr_Occurred()) {
            Py_DECREF(stream);
            return NULL;
        }
    }
    if (plain_stream(st, stream))
        r = guarded_read((StreamCore *)stream, n);
    else
        r = PyObject_CallMethod(stream, "read", "n", n);
    r = after(st, stream, r == NULL ? NULL : none_to_false(r), st->s_fread);
    Py_DECREF(stream);
    return r;
}

static PyObject *
php_fgets(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    if (!ready(st))
        return NULL;
    PyObject *stream = NULL, *maxlen = NULL, *r;
    /* An explicit null length goes to the helper: what it means is the profile's. */
    if (kwnames == NULL && nargs == 1 && plain_stream(st, args[0])) {
        stream = Py_NewRef(args[0]);
    }
    else {
        PyObject *got = PyObject_Vectorcall(st->fgets_args, args, (size_t)nargs, kwnames);
        if (got != NULL && !PyTuple_CheckExact(got))
            return got; /* PHP returned early (a PHP 7 argument warning) */
        stream = unpack_args(st, got, &maxlen);
        if (stream == NULL)
            return NULL;
    }
    if (plain_stream(st, stream) && (maxlen == NULL || maxlen == Py_None))
        r = guarded_read_line((StreamCore *)stream, -1);
    else
        r = PyObject_CallMethodOneArg(stream, st->s_read_line, maxlen ? maxlen : Py_None);
    Py_XDECREF(maxlen);
    r = after(st, stream, r == NULL ? NULL : none_to_false(r), st->s_fgets);
    Py_DECREF(stream);
    return r;
}

/* fwrite and fputs: one body; the helper gets the PHP function's name first. */
static PyObject *
php_write(ModState *st, PyObject *name, PyObject *const *args, Py_ssize_t nargs,
          PyObject *kwnames)
{
    if (!ready(st))
        return NULL;
    PyObject *stream = NULL, *payload = NULL, *r;
    const char *data = NULL;
    Py_ssize_t len = 0;
    /* An explicit null length goes to the helper: what it means is the profile's. */
    if (kwnames == NULL && nargs == 2 && plain_stream(st, args[0])) {
        if (PyBytes_CheckExact(args[1])) {
            payload = Py_NewRef(args[1]);
        }
        else if (PyUnicode_CheckExact(args[1])) {
            data = PyUnicode_AsUTF8AndSize(args[1], &len);
            if (data == NULL)
                PyErr_Clear(); /* lone surrogates: the helper encodes them as PHP would */
        }
        if (payload != NULL || data != NULL)
            stream = Py_NewRef(args[0]);
    }
    if (stream == NULL) {
        Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);
        PyObject **argv = PyMem_Malloc((size_t)(total + 1) * sizeof(PyObject *));
        if (argv == NULL)
            return PyErr_NoMemory();
        argv[0] = name;
        for (Py_ssize_t i = 0; i < total; i++)
            argv[i + 1] = args[i];
        PyObject *got = PyObject_Vectorcall(st->fwrite_args, argv, (size_t)nargs + 1, kwnames);
        PyMem_Free(argv);
        if (got == NULL)
            return NULL;
        if (!PyTuple_CheckExact(got))
            return got; /* PHP returned before it looked at the stream (or warned) */
        stream = unpack_args(st, got, &payload);
        if (stream == NULL)
            return NULL;
        data = NULL;
    }
    if (plain_stream(st, stream)) {
        Py_buffer view = {0};
        if (payload != NULL) {
            if (PyObject_GetBuffer(payload, &view, PyBUF_SIMPLE) < 0) {
                r = NULL;
                goto done;
            }
            data = view.buf;
            len = view.len;
        }
        /* A str's UTF-8 form lives as long as the str, which the caller holds. */
        Py_ssize_t n = guarded_write((StreamCore *)stream, payload, data, len);
        if (payload != NULL)
            PyBuffer_Release(&view);
        if (n == RD_RAISED)
            r = NULL;
        else
            r = n < 0 ? Py_NewRef(Py_False) : PyLong_FromSsize_t(n);
    }
    else {
        if (payload == NULL) {
            payload = PyBytes_FromStringAndSize(data, len);
            if (payload == NULL) {
                r = NULL;
                goto done;
            }
        }
        r = PyObject_CallMethod(stream, "write", "O", payload);
        if (r != NULL) {
            Py_ssize_t n = PyLong_AsSsize_t(r);
            if (n == -1 && PyErr_Occurred())
                Py_CLEAR(r);
            else if (n < 0)
                Py_SETREF(r, Py_NewRef(Py_False));
        }
    }
done:
    r = after(st, stream, r, name);
    Py_XDECREF(payload);
    Py_DECREF(stream);
    return r;
}

static PyObject *
php_fwrite(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    return php_write(st, st->s_fwrite, args, nargs, kwnames);
}

static PyObject *
php_fputs(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    return php_write(st, st->s_fputs, args, nargs, kwnames);
}

static PyObject *
install(PyObject *mod, PyObject *args)
{
    ModState *st = state(mod);
    PyObject *socket_type, *fread_args, *fgets_args, *fwrite_args, *drain;
    int fast;
    if (!PyArg_ParseTuple(args, "O!OOOOp", &PyType_Type, &socket_type, &fread_args,
                          &fgets_args, &fwrite_args, &drain, &fast))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)socket_type, st->core_type)) {
        PyErr_SetString(PyExc_TypeError, "install(): not a StreamCore subclass");
        return NULL;
    }
    Py_XSETREF(st->socket_type, Py_NewRef(socket_type));
    Py_XSETREF(st->fread_args, Py_NewRef(fread_args));
    Py_XSETREF(st->fgets_args, Py_NewRef(fgets_args));
    Py_XSETREF(st->fwrite_args, Py_NewRef(fwrite_args));
    Py_XSETREF(st->drain, Py_NewRef(drain));
    st->fast = fast;
    Py_RETURN_NONE;
}

/* --------------------------------------------------------------------------------
 * connect_fd(family, socktype, host, port, flowinfo, scope_id, timeout_ms, async_):
 * php_network_connect_socket() for one resolved inet address, on a bare descriptor
 * (the socket transport's primitive).
 *
 * socket() (non-blocking, close-on-exec: PHP's O_NONBLOCK dance without its fcntl
 * calls), connect(); EINPROGRESS -> poll(POLLIN|POLLOUT|POLLPRI) for timeout_ms (< 0:
 * forever; EINTR retried with the time left, signal handlers run) -> SO_ERROR.
 * Returns (fd, err):
 *   (fd, 0)            connected;
 *   (fd, EINPROGRESS)  async_ and still connecting;
 *   (-1, errno)        connect failed (ETIMEDOUT when poll timed out); fd closed;
 *   (-2, errno)        socket() failed (PHP tries the next address).
 * The descriptor stays non-blocking, as the Python path leaves it. A signal handler
 * that raises closes the descriptor and the exception propagates.
 */

#define CONNECT_RAISED (-3)

static int
do_connect(int family, int socktype, const char *host, int port, uint32_t flowinfo,
           uint32_t scope_id, int timeout_ms, int async_, int *err_out)
{
    struct sockaddr_storage ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    *err_out = 0;
    if (family == AF_INET) {
        struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
            goto bad_address;
        len = sizeof *sin;
    }
    else if (family == AF_INET6) {
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
        char text[INET6_ADDRSTRLEN];
        size_t n = strcspn(host, "%"); /* a scope suffix travels in scope_id */
        if (n >= sizeof text)
            goto bad_address;
        memcpy(text, host, n);
        text[n] = '\0';
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        sin6->sin6_flowinfo = htonl(flowinfo);
        sin6->sin6_scope_id = scope_id;
        if (inet_pton(AF_INET6, text, &sin6->sin6_addr) != 1)
            goto bad_address;
        len = sizeof *sin6;
    }
    else {
        goto bad_address;
    }

    int fd = socket(family, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        *err_out = errno;
        return -2;
    }
    int err = 0;
    if (connect(fd, (struct sockaddr *)&ss, len) < 0)
        err = errno;
    if (err == EINPROGRESS && !async_) {
        struct pollfd pfd = {fd, POLLIN | POLLOUT | POLLPRI, 0};
        long long deadline = timeout_ms < 0 ? 0 : monotonic_ms() + timeout_ms;
        int left = timeout_ms, rc, perr;
        for (;;) {
            Py_BEGIN_ALLOW_THREADS
            rc = poll(&pfd, 1, left);
            perr = errno;
            Py_END_ALLOW_THREADS
            if (rc >= 0 || perr != EINTR)
                break;
            if (PyErr_CheckSignals() < 0) {
                close(fd);
                return CONNECT_RAISED;
            }
            if (timeout_ms >= 0) {
                long long now = monotonic_ms();
                left = now >= deadline ? 0 : (int)(deadline - now);
            }
        }
        if (rc < 0) {
            err = perr;
        }
        else if (rc == 0) {
            err = ETIMEDOUT;
        }
        else {
            socklen_t elen = sizeof err;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
                err = errno;
        }
    }
    *err_out = err;
    if (err != 0 && !(err == EINPROGRESS && async_)) {
        close(fd);
        return -1;
    }
    return fd;

bad_address:
    PyErr_Format(PyExc_ValueError, "connect_fd: not a numeric address of family %d", family);
    return CONNECT_RAISED;
}

static int
as_c_int(PyObject *obj, int *out)
{
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < INT_MIN || v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "argument out of C int range");
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int
as_u32(PyObject *obj, uint32_t *out)
{
    unsigned long v = PyLong_AsUnsignedLong(obj);
    if (v == (unsigned long)-1 && PyErr_Occurred())
        return -1;
    if (v > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "argument out of 32-bit range");
        return -1;
    }
    *out = (uint32_t)v;
    return 0;
}

static PyObject *
connect_fd(PyObject *mod, PyObject *const *args, Py_ssize_t nargs)
{
    int family, socktype, port, timeout_ms, async_, err;
    uint32_t flowinfo, scope_id;
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "connect_fd() takes exactly 8 arguments");
        return NULL;
    }
    if (!PyUnicode_Check(args[2])) {
        PyErr_SetString(PyExc_TypeError, "connect_fd(): host must be str");
        return NULL;
    }
    if (as_c_int(args[0], &family) < 0 || as_c_int(args[1], &socktype) < 0 ||
        as_c_int(args[3], &port) < 0 || as_u32(args[4], &flowinfo) < 0 ||
        as_u32(args[5], &scope_id) < 0 || as_c_int(args[6], &timeout_ms) < 0 ||
        (async_ = PyObject_IsTrue(args[7])) < 0)
        return NULL;
    /* The host text is copied: the wait below runs signal handlers. */
    Py_ssize_t hlen;
    const char *h = PyUnicode_AsUTF8AndSize(args[2], &hlen);
    if (h == NULL)
        return NULL;
    char host[INET6_ADDRSTRLEN + 64];
    if ((size_t)hlen >= sizeof host || memchr(h, '\0', (size_t)hlen) != NULL) {
        PyErr_Format(PyExc_ValueError, "connect_fd: not a numeric address of family %d", family);
        return NULL;
    }
    memcpy(host, h, (size_t)hlen + 1);
    int fd = do_connect(family, socktype, host, port, flowinfo, scope_id, timeout_ms, async_, &err);
    if (fd == CONNECT_RAISED)
        return NULL;
    return Py_BuildValue("(ii)", fd, err);
}

/* --------------------------------------------------------------------------------
 * poll_streams(lists, events, timeout_ms): one poll() over the descriptors of plain
 * socket streams -- the primitive under stream_select. PHP's rules (which arrays,
 * the buffered-data shortcut, what is kept, how ready descriptors are counted) are in
 * phpstreams/_php_streams.py; this only answers "how ready is each stream's socket".
 *
 * lists: a 3-tuple of None or list; events: a 3-tuple of poll masks. It applies only
 * when every item is an open instance of exactly the installed socket class doing plain
 * I/O here (direct_fd >= 0) and no stream of the first list has buffered data; anything
 * else returns None before polling (the caller's general route runs). Otherwise the
 * result is a 3-tuple of None or (items, fds, ready): the items as they were when the
 * descriptors were taken, each item's descriptor, and the positions of the items
 * whose descriptor reported one of the list's events; poll() failing raises OSError.
 *
 * Safety: the descriptors are copied into C memory while the GIL is held; after the
 * wait (GIL released, EINTR retried with the time left, signal handlers run between)
 * nothing of the caller's lists or streams is read again -- the result is built from
 * the copied descriptors and the item lists copied with them (strong references),
 * whatever a handler closed, removed or appended meanwhile.
 */

static int
cmp_pollfd(const void *a, const void *b)
{
    int x = ((const struct pollfd *)a)->fd, y = ((const struct pollfd *)b)->fd;
    return (x > y) - (x < y);
}

static Py_ssize_t
find_fd(const struct pollfd *fds, Py_ssize_t n, int fd)
{
    Py_ssize_t lo = 0, hi = n - 1;
    while (lo <= hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (fds[mid].fd == fd)
            return mid;
        if (fds[mid].fd < fd)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

static PyObject *
poll_streams(PyObject *mod, PyObject *args)
{
    ModState *st = state(mod);
    PyObject *lists[3];
    int masks[3], timeout_ms;
    if (!PyArg_ParseTuple(args, "(OOO)(iii)i", &lists[0], &lists[1], &lists[2], &masks[0],
                          &masks[1], &masks[2], &timeout_ms))
        return NULL;
    if (st->socket_type == NULL)
        Py_RETURN_NONE;
    Py_ssize_t counts[3] = {0, 0, 0}, total = 0;
    for (int a = 0; a < 3; a++) {
        PyObject *lst = lists[a];
        if (lst == Py_None)
            continue;
        if (!PyList_CheckExact(lst))
            Py_RETURN_NONE;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lst); i++) {
            PyObject *item = PyList_GET_ITEM(lst, i);
            if ((PyObject *)Py_TYPE(item) != st->socket_type)
                Py_RETURN_NONE;
            StreamCore *sc = (StreamCore *)item;
            if (sc->closed || sc->direct_fd < 0 || (a == 0 && sc->writepos > sc->readpos))
                Py_RETURN_NONE;
        }
        counts[a] = PyList_GET_SIZE(lst);
        total += counts[a];
    }
    if (total == 0)
        Py_RETURN_NONE;

    /* Copy the items and their descriptors (the checks above ran no Python code). */
    PyObject *items[3] = {NULL, NULL, NULL};
    int *item_fd = PyMem_Calloc((size_t)total, sizeof(int));
    struct pollfd *fds = PyMem_Calloc((size_t)total, sizeof(struct pollfd));
    if (item_fd == NULL || fds == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int a = 0; a < 3; a++)
        if (lists[a] != Py_None && (items[a] = PyList_GetSlice(lists[a], 0, counts[a])) == NULL)
            goto fail;
    Py_ssize_t n = 0;
    for (int a = 0; a < 3; a++)
        for (Py_ssize_t i = 0; i < counts[a]; i++)
            item_fd[n++] = ((StreamCore *)PyList_GET_ITEM(items[a], i))->direct_fd;
    for (Py_ssize_t i = 0; i < total; i++)
        fds[i].fd = item_fd[i];
    qsort(fds, (size_t)total, sizeof(struct pollfd), cmp_pollfd);
    Py_ssize_t uniq = 0;
    for (Py_ssize_t i = 0; i < total; i++)
        if (uniq == 0 || fds[uniq - 1].fd != fds[i].fd)
            fds[uniq++].fd = fds[i].fd;
    n = 0;
    for (int a = 0; a < 3; a++)
        for (Py_ssize_t i = 0; i < counts[a]; i++, n++)
            fds[find_fd(fds, uniq, item_fd[n])].events |= (short)masks[a];

    int rc, err = 0;
    long long deadline = timeout_ms >= 0 ? monotonic_ms() + timeout_ms : 0;
    for (;;) {
        Py_BEGIN_ALLOW_THREADS
        rc = poll(fds, (nfds_t)uniq, timeout_ms);
        err = errno;
        Py_END_ALLOW_THREADS
        if (rc >= 0 || err != EINTR)
            break;
        if (PyErr_CheckSignals() < 0)
            goto fail;
        if (timeout_ms >= 0) {
            long long left = deadline - monotonic_ms();
            timeout_ms = left > 0 ? (int)left : 0;
        }
    }
    if (rc < 0) {
        errno = err;
        PyErr_SetFromErrno(PyExc_OSError);
        goto fail;
    }

    PyObject *out = PyTuple_New(3);
    if (out == NULL)
        goto fail;
    n = 0;
    for (int a = 0; a < 3; a++) {
        if (lists[a] == Py_None) {
            PyTuple_SET_ITEM(out, a, Py_NewRef(Py_None));
            continue;
        }
        PyObject *fd_list = PyList_New(counts[a]), *ready = PyList_New(0);
        PyObject *triple = (fd_list && ready) ? PyTuple_Pack(3, items[a], fd_list, ready) : NULL;
        Py_XDECREF(fd_list);
        Py_XDECREF(ready);
        if (triple == NULL) {
            Py_DECREF(out);
            goto fail;
        }
        PyTuple_SET_ITEM(out, a, triple);
        for (Py_ssize_t i = 0; i < counts[a]; i++, n++) {
            PyObject *fd_obj = PyLong_FromLong(item_fd[n]);
            if (fd_obj == NULL) {
                Py_DECREF(out);
                goto fail;
            }
            PyList_SET_ITEM(fd_list, i, fd_obj);
            if (!(fds[find_fd(fds, uniq, item_fd[n])].revents & masks[a]))
                continue;
            PyObject *pos = PyLong_FromSsize_t(i);
            if (pos == NULL || PyList_Append(ready, pos) < 0) {
                Py_XDECREF(pos);
                Py_DECREF(out);
                goto fail;
            }
            Py_DECREF(pos);
        }
    }
    for (int a = 0; a < 3; a++)
        Py_XDECREF(items[a]);
    PyMem_Free(item_fd);
    PyMem_Free(fds);
    return out;
fail:
    for (int a = 0; a < 3; a++)
        Py_XDECREF(items[a]);
    PyMem_Free(item_fd);
    PyMem_Free(fds);
    return NULL;
}

/* -------------------------------------------------------------------------------- */

static PyMethodDef module_methods[] = {
    {"fread", (PyCFunction)(void (*)(void))php_fread, METH_FASTCALL | METH_KEYWORDS,
     "fread($module, stream, length)\n--\n\n"
     "PHP: ``fread(resource $stream, int $length): string|false``\n\n"
     "Up to ``length`` bytes. On a socket this is at most one fill of the read buffer:\n"
     "short reads are normal (loop or use stream_get_contents for an exact amount).\n"
     "b\"\" at EOF or when a non-blocking socket has nothing; False on a timeout or\n"
     "error. ``length`` must be > 0 (PHP's ValueError). Memory streams read until\n"
     "``length`` or the end."},
    {"fgets", (PyCFunction)(void (*)(void))php_fgets, METH_FASTCALL | METH_KEYWORDS,
     "fgets($module, stream, length=None)\n--\n\n"
     "PHP: ``fgets(resource $stream, ?int $length = null): string|false``\n\n"
     "One line including its ``\\n`` (at most ``length - 1`` bytes); the partial line\n"
     "at EOF or on a timeout; False when nothing was read (end of data). Returns bytes."},
    {"fwrite", (PyCFunction)(void (*)(void))php_fwrite, METH_FASTCALL | METH_KEYWORDS,
     "fwrite($module, stream, data, length=None)\n--\n\n"
     "PHP: ``fwrite(resource $stream, string $data, ?int $length = null): int|false``\n\n"
     "Writes ``data`` (bytes; a str is encoded as UTF-8), at most ``length`` bytes of\n"
     "it; returns the number written (a partial count if a later send fails, 0 when a\n"
     "non-blocking socket would block or there is nothing to write), or False on\n"
     "failure (with PHP's notice, e.g. \"Send of N bytes failed with errno=32 Broken\n"
     "pipe\")."},
    {"fputs", (PyCFunction)(void (*)(void))php_fputs, METH_FASTCALL | METH_KEYWORDS,
     "fputs($module, stream, data, length=None)\n--\n\n"
     "PHP: ``fputs(resource $stream, string $data, ?int $length = null): int|false``\n\n"
     "Alias of fwrite (PHP reports errors under the name ``fputs``)."},
    {"connect_fd", (PyCFunction)(void (*)(void))connect_fd, METH_FASTCALL,
     "connect_fd(family, socktype, host, port, flowinfo, scope_id, timeout_ms, async_):\n"
     "one inet connect on a bare descriptor -> (fd, err); see the comment in the source."},
    {"poll_streams", poll_streams, METH_VARARGS,
     "poll_streams(lists, events, timeout_ms): one poll() over plain socket streams ->\n"
     "per list (items, fds, ready positions), or None when not applicable; see the source."},
    {"install", install, METH_VARARGS,
     "install(socket_type, fread_args, fgets_args, fwrite_args, drain, fast): the Python\n"
     "coercion helpers of fread/fgets/fwrite+fputs, the notes drain, and whether the plain\n"
     "argument shape is recognised in C."},
    {NULL}};

static int
mod_exec(PyObject *mod)
{
    ModState *st = state(mod);
    st->core_type = (PyTypeObject *)PyType_FromModuleAndSpec(mod, &core_spec, NULL);
    if (st->core_type == NULL)
        return -1;
    if (PyModule_AddObjectRef(mod, "StreamCore", (PyObject *)st->core_type) < 0)
        return -1;
    if (StreamBusyError == NULL) {
        StreamBusyError = PyErr_NewExceptionWithDoc(
            "phpstreams._speedups.StreamBusyError",
            "A call on a stream while another call on it is in progress (from a signal\n"
            "handler or another thread).",
            PyExc_RuntimeError, NULL);
        if (StreamBusyError == NULL)
            return -1;
    }
    if (PyModule_AddObjectRef(mod, "StreamBusyError", StreamBusyError) < 0)
        return -1;
    st->s_fread = PyUnicode_InternFromString("fread");
    st->s_fgets = PyUnicode_InternFromString("fgets");
    st->s_fwrite = PyUnicode_InternFromString("fwrite");
    st->s_fputs = PyUnicode_InternFromString("fputs");
    st->s_read_line = PyUnicode_InternFromString("read_line");
    if (!st->s_fread || !st->s_fgets || !st->s_fwrite || !st->s_fputs || !st->s_read_line)
        return -1;
    st->fast = 1;
    return 0;
}

static int
mod_traverse(PyObject *mod, visitproc visit, void *arg)
{
    ModState *st = state(mod);
    Py_VISIT(st->core_type);
    Py_VISIT(st->socket_type);
    Py_VISIT(st->fread_args);
    Py_VISIT(st->fgets_args);
    Py_VISIT(st->fwrite_args);
    Py_VISIT(st->drain);
    return 0;
}

static int
mod_clear(PyObject *mod)
{
    ModState *st = state(mod);
    Py_CLEAR(st->core_type);
    Py_CLEAR(st->socket_type);
    Py_CLEAR(st->fread_args);
    Py_CLEAR(st->fgets_args);
    Py_CLEAR(st->fwrite_args);
    Py_CLEAR(st->drain);
    Py_CLEAR(st->s_fread);
    Py_CLEAR(st->s_fgets);
    Py_CLEAR(st->s_fwrite);
    Py_CLEAR(st->s_fputs);
    Py_CLEAR(st->s_read_line);
    return 0;
}

static PyModuleDef_Slot mod_slots[] = {{Py_mod_exec, mod_exec}, {0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "phpstreams._speedups",
    "C primitives under the stream object: PHP's stream buffer and plain-socket I/O,\n"
    "the bodies of fread/fgets/fwrite/fputs, and the connect primitive.",
    sizeof(ModState),
    module_methods,
    mod_slots,
    mod_traverse,
    mod_clear,
    NULL,
};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    return PyModuleDef_Init(&module_def);
}
