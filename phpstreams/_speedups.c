/*
 * phpstreams._speedups: PHP's stream read buffer and the plain-socket I/O under it,
 * in C, plus C fast paths for fread/fgets/fwrite/fclose, stream_socket_client's common
 * case, stream_select over plain sockets, and the socket transport's connect
 * (connect_fd).
 *
 * Layering: this is the stream-object layer (phpstreams/_stream.py builds its Stream
 * classes on StreamCore), with one helper of the transport layer below it (connect_fd).
 * It knows nothing of TLS: reads that are not plain socket reads go through the Python
 * method _op_read(). The fast module functions are the PHP-facing layer's, compiled:
 * they handle only argument shapes whose outcome they can produce exactly, and hand
 * every other case to the Python functions registered with install() and
 * install_client().
 *
 * Theory of operation (the same as the docstring of phpstreams/_stream.py):
 * PHP keeps readbuf[readpos:writepos] inside an allocation of readbuflen bytes, and
 * the sizes it asks the socket for are observable, so this struct keeps PHP's layout
 * and rules exactly:
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
#include <structmember.h>
#include <math.h>
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <unistd.h>

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
    int timeout_ms;          /* php_tvtoto() of the stream timeout; < 0 waits forever */
    /* Optional C reader used before _op_read (the TLS engine's, see set_fast_reader):
     * > 0 bytes read; anything else means "ask _op_read", which finishes the attempt. */
    int (*fast_read)(void *ctx, char *dst, int size);
    void *fast_ctx;
    PyObject *fast_owner;    /* keeps fast_ctx (and what it points to) alive */
} StreamCore;

#define TRANSIENT(e) ((e) == EAGAIN || (e) == EWOULDBLOCK || (e) == EINTR)

/* --------------------------------------------------------------------------------
 * low-level reads: returns bytes read (>= 0), -1 for PHP's -1 (error/timeout), or
 * -2 with a Python exception set.
 */

static int
wait_fd(int fd, short events, int timeout_ms)
{
    /* 1 ready, 0 timed out, -2 exception (a signal handler raised) */
    for (;;) {
        struct pollfd p = {fd, events, 0};
        int r;
        Py_BEGIN_ALLOW_THREADS
        r = poll(&p, 1, timeout_ms);
        Py_END_ALLOW_THREADS
        if (r >= 0)
            return r > 0;
        if (errno != EINTR)
            return 1; /* let the next call report the error */
        if (PyErr_CheckSignals())
            return -2;
    }
}

static Py_ssize_t
sock_recv(StreamCore *s, char *dst, Py_ssize_t size)
{
    Py_ssize_t n;
    int err;

    if (s->is_blocked) {
        s->timed_out = 0;
        n = recv(s->direct_fd, dst, (size_t)size, MSG_DONTWAIT);
        if (n < 0) {
            err = errno;
            if (!TRANSIENT(err)) {
                s->eof = 1;
                return -1;
            }
            int w = wait_fd(s->direct_fd, POLLIN | POLLPRI, s->timeout_ms);
            if (w == -2)
                return -2;
            if (w == 0) {
                s->timed_out = 1;
                return -1;
            }
            n = recv(s->direct_fd, dst, (size_t)size, MSG_DONTWAIT);
            if (n < 0) {
                if (TRANSIENT(errno))
                    return 0;
                s->eof = 1;
                return -1;
            }
        }
    }
    else {
        n = recv(s->direct_fd, dst, (size_t)size, MSG_DONTWAIT);
        if (n < 0) {
            if (TRANSIENT(errno))
                return 0;
            s->eof = 1;
            return -1;
        }
    }
    if (n == 0)
        s->eof = 1;
    return n;
}

/* A read through the Python subclass: self._op_read(size) -> bytes | None. */
static Py_ssize_t
py_read_into(StreamCore *s, char *dst, Py_ssize_t size)
{
    PyObject *r = PyObject_CallMethod((PyObject *)s, "_op_read", "n", size);
    if (r == NULL)
        return -2;
    if (r == Py_None) {
        Py_DECREF(r);
        return -1;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(r, &view, PyBUF_SIMPLE) < 0) {
        Py_DECREF(r);
        return -2;
    }
    Py_ssize_t n = view.len > size ? size : view.len;
    memcpy(dst, view.buf, (size_t)n);
    PyBuffer_Release(&view);
    Py_DECREF(r);
    return n;
}

static Py_ssize_t
raw_read(StreamCore *s, char *dst, Py_ssize_t size)
{
    if (s->direct_fd >= 0)
        return sock_recv(s, dst, size);
    if (s->fast_read != NULL) {
        int n = s->fast_read(s->fast_ctx, dst, size > INT_MAX ? INT_MAX : (int)size);
        if (n > 0)
            return n;
    }
    return py_read_into(s, dst, size);
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
        if (ensure_capacity(s, s->buflen + chunk) < 0)
            return -2;
    }
    Py_ssize_t n = raw_read(s, s->buf + s->writepos, s->buflen - s->writepos);
    if (n == -2)
        return -2;
    if (n < 0)
        return -1;
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

/* Append n buffered bytes to a growing result (a bytes object resized in place). */
static int
append(PyObject **acc, const char *src, Py_ssize_t n)
{
    if (*acc == NULL) {
        *acc = PyBytes_FromStringAndSize(src, n);
        return *acc == NULL ? -1 : 0;
    }
    Py_ssize_t old = PyBytes_GET_SIZE(*acc);
    if (_PyBytes_Resize(acc, old + n) < 0)
        return -1;
    memcpy(PyBytes_AS_STRING(*acc) + old, src, (size_t)n);
    return 0;
}

/* _php_stream_read: bytes (possibly short, b"" at EOF) or None (PHP's false). */
static PyObject *
core_read(StreamCore *s, Py_ssize_t size)
{
    Py_ssize_t unread = s->writepos - s->readpos;

    if (unread == 0 && !s->greedy && !s->no_buffer && s->chunk_size != 1) {
        /* Fast path: nothing buffered, one fill; when the fill would be consumed
           whole, receive straight into the result. */
        Py_ssize_t chunk = s->chunk_size;
        if (s->buf != NULL && s->buflen - s->writepos < chunk) {
            s->writepos = 0;
            s->readpos = 0;
        }
        if (s->buflen - s->writepos < chunk) {
            if (ensure_capacity(s, s->buflen + chunk) < 0)
                return NULL;
        }
        Py_ssize_t want = s->buflen - s->writepos;
        if (size >= want) {
            PyObject *r = PyBytes_FromStringAndSize(NULL, want);
            if (r == NULL)
                return NULL;
            Py_ssize_t n = raw_read(s, PyBytes_AS_STRING(r), want);
            if (n == -2) {
                Py_DECREF(r);
                return NULL;
            }
            if (n < 0) {
                Py_DECREF(r);
                Py_RETURN_NONE;
            }
            /* PHP's bookkeeping: the fill landed at writepos and was consumed whole. */
            s->writepos += n;
            s->readpos = s->writepos;
            if (n != want && _PyBytes_Resize(&r, n) < 0)
                return NULL;
            return r;
        }
    }

    PyObject *acc = NULL;
    Py_ssize_t didread = 0;
    while (size > 0) {
        unread = s->writepos - s->readpos;
        if (unread) {
            Py_ssize_t n = unread < size ? unread : size;
            if (append(&acc, s->buf + s->readpos, n) < 0)
                return NULL;
            s->readpos += n;
            size -= n;
            didread += n;
            if (size == 0)
                break;
        }
        Py_ssize_t toread;
        if (s->no_buffer || s->chunk_size == 1) {
            PyObject *tmp = PyBytes_FromStringAndSize(NULL, size);
            if (tmp == NULL)
                goto error;
            toread = raw_read(s, PyBytes_AS_STRING(tmp), size);
            if (toread == -2) {
                Py_DECREF(tmp);
                goto error;
            }
            if (toread < 0) {
                Py_DECREF(tmp);
                if (didread == 0) {
                    Py_XDECREF(acc);
                    Py_RETURN_NONE;
                }
                break;
            }
            if (toread > 0 && append(&acc, PyBytes_AS_STRING(tmp), toread) < 0) {
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
                    Py_XDECREF(acc);
                    Py_RETURN_NONE;
                }
                break;
            }
            toread = s->writepos - s->readpos;
            if (toread > size)
                toread = size;
            if (toread > 0) {
                if (append(&acc, s->buf + s->readpos, toread) < 0)
                    goto error;
                s->readpos += toread;
            }
        }
        if (toread <= 0)
            break;
        didread += toread;
        size -= toread;
        if (!s->greedy)
            break;
    }
    if (acc == NULL)
        return PyBytes_FromStringAndSize(NULL, 0);
    return acc;
error:
    Py_XDECREF(acc);
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

    PyObject *acc = NULL;
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
            if (cpysz > 0) {
                if (append(&acc, start, cpysz) < 0)
                    return NULL;
                s->readpos += cpysz;
            }
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
            if (core_fill(s, toread) == -2) {
                Py_XDECREF(acc);
                return NULL;
            }
            if (s->writepos - s->readpos == 0)
                break;
        }
    }
    if (acc == NULL)
        Py_RETURN_NONE;
    return acc;
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

/* php_stream_get_record (stream_get_line). */
static PyObject *
core_read_record(StreamCore *s, Py_ssize_t maxlen, const char *delim, Py_ssize_t dlen)
{
    if (maxlen == 0)
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

/* _php_stream_write_buffer over php_sockop_write (direct fd) or _op_write. */
static Py_ssize_t
core_write(StreamCore *s, const char *data, Py_ssize_t count)
{
    Py_ssize_t didwrite = 0;
    while (count > 0) {
        Py_ssize_t n;
        if (s->direct_fd >= 0) {
        retry:
            n = send(s->direct_fd, data, (size_t)count, MSG_DONTWAIT);
            if (n < 0) {
                int err = errno;
                if (TRANSIENT(err)) {
                    if (!s->is_blocked) {
                        n = 0; /* EAGAIN on a non-blocking stream is not an error */
                        goto written;
                    }
                    s->timed_out = 0;
                    int w = wait_fd(s->direct_fd, POLLOUT, s->timeout_ms);
                    if (w == -2)
                        return -2;
                    if (w == 1)
                        goto retry;
                    s->timed_out = 1;
                }
                PyObject *r = PyObject_CallMethod((PyObject *)s, "_send_failed", "ni",
                                                  count, err);
                if (r == NULL)
                    return -2;
                Py_DECREF(r);
                n = -1;
            }
        }
        else {
            PyObject *view = PyMemoryView_FromMemory((char *)data, count, PyBUF_READ);
            if (view == NULL)
                return -2;
            PyObject *r = PyObject_CallMethod((PyObject *)s, "_op_write", "O", view);
            Py_DECREF(view);
            if (r == NULL)
                return -2;
            n = PyLong_AsSsize_t(r);
            Py_DECREF(r);
            if (n == -1 && PyErr_Occurred())
                return -2;
        }
    written:
        if (n <= 0)
            return didwrite ? didwrite : n;
        data += n;
        count -= n;
        didwrite += n;
    }
    return didwrite;
}

/* --------------------------------------------------------------------------------
 * StreamCore: methods and attributes
 */

static int
core_traverse(StreamCore *s, visitproc visit, void *arg)
{
    Py_VISIT(Py_TYPE(s));
    Py_VISIT(s->notes);
    Py_VISIT(s->fast_owner);
    return 0;
}

static int
core_clear(StreamCore *s)
{
    Py_CLEAR(s->notes);
    s->fast_read = NULL;
    s->fast_ctx = NULL;
    Py_CLEAR(s->fast_owner);
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
m_read(StreamCore *s, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    return core_read(s, n);
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
    return core_read_line(s, maxlen);
}

static PyObject *
m_read_record(StreamCore *s, PyObject *args)
{
    Py_ssize_t maxlen;
    Py_buffer delim;
    if (!PyArg_ParseTuple(args, "ny*", &maxlen, &delim))
        return NULL;
    PyObject *r = core_read_record(s, maxlen, delim.buf, delim.len);
    PyBuffer_Release(&delim);
    return r;
}

static PyObject *
m_fill(StreamCore *s, PyObject *arg)
{
    Py_ssize_t n = PyLong_AsSsize_t(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    int r = core_fill(s, n);
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
    Py_ssize_t n = view.len ? core_write(s, view.buf, view.len) : 0;
    PyBuffer_Release(&view);
    if (n == -2)
        return NULL;
    return PyLong_FromSsize_t(n);
}

static PyObject *
m_set_fast_reader(StreamCore *s, PyObject *args)
{
    PyObject *owner;
    unsigned long long fn, ctx;
    if (!PyArg_ParseTuple(args, "OKK", &owner, &fn, &ctx))
        return NULL;
    if (owner == Py_None || fn == 0) {
        s->fast_read = NULL;
        s->fast_ctx = NULL;
        Py_CLEAR(s->fast_owner);
    }
    else {
        s->fast_read = (int (*)(void *, char *, int))(uintptr_t)fn;
        s->fast_ctx = (void *)(uintptr_t)ctx;
        Py_XSETREF(s->fast_owner, Py_NewRef(owner));
    }
    Py_RETURN_NONE;
}

static PyObject *
m_discard_buffer(StreamCore *s, PyObject *unused)
{
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
    {"set_fast_reader", (PyCFunction)m_set_fast_reader, METH_VARARGS,
     "set_fast_reader(owner, fn_address, ctx_address): a C reader tried before _op_read;\n"
     "owner keeps ctx alive. set_fast_reader(None, 0, 0) removes it."},
    {"discard_buffer", (PyCFunction)m_discard_buffer, METH_NOARGS,
     "Forget the buffered data (readpos = writepos = 0)."},
    {"buffered", (PyCFunction)m_buffered, METH_NOARGS, "The unread buffered bytes."},
    {NULL}};

#define INT_GETSET(field)                                                                 \
    static PyObject *get_##field(StreamCore *s, void *c) { return PyLong_FromLong(s->field); } \
    static int set_##field(StreamCore *s, PyObject *v, void *c)                           \
    {                                                                                     \
        if (v == NULL) {                                                                  \
            PyErr_SetString(PyExc_AttributeError, "cannot delete " #field);               \
            return -1;                                                                    \
        }                                                                                 \
        long x = PyLong_AsLong(v);                                                        \
        if (x == -1 && PyErr_Occurred())                                                  \
            return -1;                                                                    \
        s->field = (int)x;                                                                \
        return 0;                                                                         \
    }

#define BOOL_GETSET(field)                                                                \
    static PyObject *get_##field(StreamCore *s, void *c) { return PyBool_FromLong(s->field); } \
    static int set_##field(StreamCore *s, PyObject *v, void *c)                           \
    {                                                                                     \
        if (v == NULL) {                                                                  \
            PyErr_SetString(PyExc_AttributeError, "cannot delete " #field);               \
            return -1;                                                                    \
        }                                                                                 \
        int x = PyObject_IsTrue(v);                                                       \
        if (x < 0)                                                                        \
            return -1;                                                                    \
        s->field = x;                                                                     \
        return 0;                                                                         \
    }

BOOL_GETSET(eof)
BOOL_GETSET(no_buffer)
BOOL_GETSET(greedy)
BOOL_GETSET(closed)
BOOL_GETSET(is_blocked)
BOOL_GETSET(timed_out)
INT_GETSET(direct_fd)
INT_GETSET(timeout_ms)

static PyObject *
get_chunk_size(StreamCore *s, void *c)
{
    return PyLong_FromSsize_t(s->chunk_size);
}

static int
set_chunk_size(StreamCore *s, PyObject *v, void *c)
{
    if (v == NULL) {
        PyErr_SetString(PyExc_AttributeError, "cannot delete chunk_size");
        return -1;
    }
    Py_ssize_t x = PyLong_AsSsize_t(v);
    if (x == -1 && PyErr_Occurred())
        return -1;
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

#define GS(name, doc) {#name, (getter)get_##name, (setter)set_##name, doc, NULL}

static PyGetSetDef core_getset[] = {
    GS(eof, "The stream's EOF flag as the last I/O set it."),
    GS(no_buffer, "PHP_STREAM_FLAG_NO_BUFFER: reads bypass the buffer."),
    GS(greedy, "Keep reading until the request is met (memory streams)."),
    GS(closed, "Closed (freed) stream."),
    GS(is_blocked, "PHP's is_blocked (what meta data reports as 'blocked')."),
    GS(timed_out, "PHP's timeout_event."),
    GS(direct_fd, "Socket for plain I/O in C, or -1 to use _op_read/_op_write."),
    GS(timeout_ms, "poll() timeout in milliseconds (negative: forever)."),
    GS(chunk_size, "PHP's chunk_size."),
    GS(notes, "Diagnostics raised by I/O, drained by the PHP-facing layer."),
    {"unread_bytes", (getter)get_unread, NULL, "Bytes buffered and not yet read.", NULL},
    {"bookkeeping", (getter)get_bookkeeping, NULL, "(readpos, writepos, readbuflen)", NULL},
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
 * fast PHP functions: fread / fgets / fwrite for exact SocketStream instances; all
 * other cases go to the Python implementations registered with install()
 */

enum {
    SL_CONTEXT, SL_STREAM_TYPE, SL_SPEC, SL_TIMEOUT, SL_CONNECT_TIMEOUT, SL_ADDRESS,
    SL_FAMILY, SL_FD, SL_CRYPTO, SL_SOCK, SL_PERSISTENT_KEY, SL_RESOURCE_TYPE, SL_POLLER,
    SL_COUNT
};

static const char *slot_names[SL_COUNT] = {
    "context", "stream_type", "spec", "_timeout", "connect_timeout", "address",
    "_family", "_fd", "_crypto", "_sock", "persistent_key", "resource_type", "_poller",
};

typedef struct {
    int ready;
    PyObject *socket_type, *ref_type, *context_type;
    PyObject *client_py, *defaults, *failed;
    PyObject *constants;           /* tuple of (offset, value) */
    Py_ssize_t off[SL_COUNT];
    double timeout_max;
    PyObject *s_value, *s_options, *s_socket, *s_unknown, *zero, *minus_one, *empty;
    PyObject *empty_args;
} ClientState;


typedef struct {
    PyTypeObject *core_type;
    PyObject *socket_type; /* the class the fast paths accept (exactly) */
    PyObject *fread_py, *fgets_py, *fwrite_py, *fclose_py, *drain;
    PyObject *s_fread, *s_fgets, *s_fwrite;
    ClientState client; /* stream_socket_client / fclose fast paths */
} ModState;

static ModState *
state(PyObject *mod)
{
    return (ModState *)PyModule_GetState(mod);
}

static PyObject *
after(ModState *st, StreamCore *s, PyObject *result, PyObject *name)
{
    if (result != NULL && PyList_GET_SIZE(s->notes) > 0) {
        PyObject *r = PyObject_CallFunctionObjArgs(st->drain, (PyObject *)s, name, NULL);
        if (r == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        Py_DECREF(r);
    }
    return result;
}

static int
fast_stream(ModState *st, PyObject *obj)
{
    return st->socket_type != NULL && (PyObject *)Py_TYPE(obj) == st->socket_type &&
           !((StreamCore *)obj)->closed;
}

static PyObject *
fast_fread(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    if (kwnames == NULL && nargs == 2 && fast_stream(st, args[0]) && PyLong_CheckExact(args[1])) {
        Py_ssize_t n = PyLong_AsSsize_t(args[1]);
        if (n > 0) {
            StreamCore *s = (StreamCore *)args[0];
            PyObject *r = after(st, s, core_read(s, n), st->s_fread);
            if (r == Py_None) {
                Py_DECREF(r);
                Py_RETURN_FALSE;
            }
            return r;
        }
        PyErr_Clear();
    }
    return PyObject_Vectorcall(st->fread_py, args, (size_t)nargs, kwnames);
}

static PyObject *
fast_fgets(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    if (kwnames == NULL && (nargs == 1 || (nargs == 2 && args[1] == Py_None)) &&
        fast_stream(st, args[0])) {
        StreamCore *s = (StreamCore *)args[0];
        PyObject *r = after(st, s, core_read_line(s, -1), st->s_fgets);
        if (r == Py_None) {
            Py_DECREF(r);
            Py_RETURN_FALSE;
        }
        return r;
    }
    return PyObject_Vectorcall(st->fgets_py, args, (size_t)nargs, kwnames);
}

static PyObject *
fast_fwrite(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    if (kwnames == NULL && (nargs == 2 || (nargs == 3 && args[2] == Py_None)) &&
        fast_stream(st, args[0])) {
        const char *data = NULL;
        Py_ssize_t len = 0;
        if (PyBytes_CheckExact(args[1])) {
            data = PyBytes_AS_STRING(args[1]);
            len = PyBytes_GET_SIZE(args[1]);
        }
        else if (PyUnicode_CheckExact(args[1])) {
            data = PyUnicode_AsUTF8AndSize(args[1], &len);
            if (data == NULL)
                PyErr_Clear(); /* lone surrogates: the Python path encodes them */
        }
        if (data != NULL) {
            if (len == 0)
                return PyLong_FromLong(0);
            StreamCore *s = (StreamCore *)args[0];
            Py_ssize_t n = core_write(s, data, len);
            if (n == -2)
                return NULL;
            PyObject *r = n < 0 ? Py_NewRef(Py_False) : PyLong_FromSsize_t(n);
            return after(st, s, r, st->s_fwrite);
        }
    }
    return PyObject_Vectorcall(st->fwrite_py, args, (size_t)nargs, kwnames);
}

static PyObject *
install(PyObject *mod, PyObject *args)
{
    ModState *st = state(mod);
    PyObject *socket_type, *fread_py, *fgets_py, *fwrite_py, *fclose_py, *drain;
    if (!PyArg_ParseTuple(args, "OOOOOO", &socket_type, &fread_py, &fgets_py, &fwrite_py,
                          &fclose_py, &drain))
        return NULL;
    Py_XSETREF(st->socket_type, Py_NewRef(socket_type));
    Py_XSETREF(st->fread_py, Py_NewRef(fread_py));
    Py_XSETREF(st->fgets_py, Py_NewRef(fgets_py));
    Py_XSETREF(st->fwrite_py, Py_NewRef(fwrite_py));
    Py_XSETREF(st->fclose_py, Py_NewRef(fclose_py));
    Py_XSETREF(st->drain, Py_NewRef(drain));
    Py_RETURN_NONE;
}

/* --------------------------------------------------------------------------------
 * select over plain socket streams
 *
 * select_plain(read, write, except_, masks, timeout_ms): stream_select() for the
 * common case only -- each array None or a list whose items are all open socket
 * streams doing plain I/O here (direct_fd >= 0), and no read stream with buffered
 * data (PHP's shortcut). Anything else returns None before polling and the Python
 * implementation runs. Otherwise: one poll() over the distinct descriptors (the GIL
 * released; EINTR retried with the time left, as select.poll does), then the three
 * filtered lists and the count PHP returns (per array, the distinct ready
 * descriptors). A poll() failure raises OSError.
 */

static long long
monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
cmp_pollfd(const void *a, const void *b)
{
    int x = ((const struct pollfd *)a)->fd, y = ((const struct pollfd *)b)->fd;
    return (x > y) - (x < y);
}

static Py_ssize_t
find_fd(struct pollfd *fds, Py_ssize_t n, int fd)
{
    Py_ssize_t lo = 0, hi = n - 1;
    while (lo <= hi) {
        Py_ssize_t mid = (lo + hi) / 2;
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
select_plain(PyObject *mod, PyObject *args)
{
    ModState *st = state(mod);
    PyObject *arrays[3];
    int masks[3], timeout_ms;
    if (!PyArg_ParseTuple(args, "OOO(iii)i", &arrays[0], &arrays[1], &arrays[2], &masks[0],
                          &masks[1], &masks[2], &timeout_ms))
        return NULL;
    Py_ssize_t total = 0;
    for (int a = 0; a < 3; a++) {
        PyObject *arr = arrays[a];
        if (arr == Py_None)
            continue;
        if (!PyList_CheckExact(arr))
            Py_RETURN_NONE;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arr); i++) {
            PyObject *item = PyList_GET_ITEM(arr, i);
            if (!fast_stream(st, item))
                Py_RETURN_NONE;
            StreamCore *s = (StreamCore *)item;
            if (s->direct_fd < 0 || (a == 0 && s->writepos > s->readpos))
                Py_RETURN_NONE;
        }
        total += PyList_GET_SIZE(arr);
    }
    if (total == 0)
        Py_RETURN_NONE; /* "No stream arrays were passed": the Python path says it */

    struct pollfd *fds = PyMem_Calloc((size_t)total, sizeof(struct pollfd));
    int *stamp = PyMem_Calloc((size_t)total, sizeof(int));
    if (fds == NULL || stamp == NULL) {
        PyMem_Free(fds);
        PyMem_Free(stamp);
        return PyErr_NoMemory();
    }
    Py_ssize_t n = 0;
    for (int a = 0; a < 3; a++) {
        if (arrays[a] == Py_None)
            continue;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arrays[a]); i++)
            fds[n++].fd = ((StreamCore *)PyList_GET_ITEM(arrays[a], i))->direct_fd;
    }
    qsort(fds, (size_t)n, sizeof(struct pollfd), cmp_pollfd);
    Py_ssize_t uniq = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (uniq == 0 || fds[uniq - 1].fd != fds[i].fd)
            fds[uniq++].fd = fds[i].fd;
    for (int a = 0; a < 3; a++) {
        if (arrays[a] == Py_None)
            continue;
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arrays[a]); i++) {
            int fd = ((StreamCore *)PyList_GET_ITEM(arrays[a], i))->direct_fd;
            fds[find_fd(fds, uniq, fd)].events |= (short)masks[a];
        }
    }

    int rc, err = 0;
    long long deadline = timeout_ms >= 0 ? monotonic_ms() + timeout_ms : 0;
    for (;;) {
        Py_BEGIN_ALLOW_THREADS
        rc = poll(fds, (nfds_t)uniq, timeout_ms);
        err = errno;
        Py_END_ALLOW_THREADS
        if (rc >= 0 || err != EINTR)
            break;
        if (PyErr_CheckSignals() < 0) {
            PyMem_Free(fds);
            PyMem_Free(stamp);
            return NULL;
        }
        if (timeout_ms >= 0) {
            long long left = deadline - monotonic_ms();
            timeout_ms = left > 0 ? (int)left : 0;
        }
    }
    if (rc < 0) {
        PyMem_Free(fds);
        PyMem_Free(stamp);
        errno = err;
        return PyErr_SetFromErrno(PyExc_OSError);
    }

    PyObject *out = PyTuple_New(4);
    if (out == NULL)
        goto fail;
    Py_ssize_t count = 0;
    for (int a = 0; a < 3; a++) {
        PyObject *arr = arrays[a];
        if (arr == Py_None) {
            PyTuple_SET_ITEM(out, a + 1, Py_NewRef(Py_None));
            continue;
        }
        PyObject *kept = PyList_New(0);
        if (kept == NULL) {
            Py_DECREF(out);
            goto fail;
        }
        PyTuple_SET_ITEM(out, a + 1, kept);
        for (Py_ssize_t i = 0; i < PyList_GET_SIZE(arr); i++) {
            PyObject *item = PyList_GET_ITEM(arr, i);
            Py_ssize_t k = find_fd(fds, uniq, ((StreamCore *)item)->direct_fd);
            if (!(fds[k].revents & masks[a]))
                continue;
            if (PyList_Append(kept, item) < 0) {
                Py_DECREF(out);
                goto fail;
            }
            if (stamp[k] != a + 1) {
                stamp[k] = a + 1;
                count++;
            }
        }
    }
    PyTuple_SET_ITEM(out, 0, PyLong_FromSsize_t(count));
    PyMem_Free(fds);
    PyMem_Free(stamp);
    return out;
fail:
    PyMem_Free(fds);
    PyMem_Free(stamp);
    return NULL;
}

/* --------------------------------------------------------------------------------
 * connect_fd(family, socktype, host, port, flowinfo, scope_id, timeout_ms, async_):
 * php_network_connect_socket() for one resolved inet address, on a bare descriptor.
 * (This is the socket transport's C helper; it lives here to share the module.)
 *
 * socket() (non-blocking, close-on-exec: PHP's O_NONBLOCK dance without its fcntl
 * calls), connect(); EINPROGRESS -> poll(POLLIN|POLLOUT|POLLPRI) for timeout_ms (< 0:
 * forever; EINTR retried with the time left, signal handlers run) -> SO_ERROR.
 * Returns (fd, err):
 *   (fd, 0)            connected;
 *   (fd, EINPROGRESS)  async_ and still connecting;
 *   (-1, errno)        connect failed (ETIMEDOUT when poll timed out); fd closed;
 *   (-2, errno)        socket() failed (PHP tries the next address).
 * The descriptor stays non-blocking, as the Python path leaves it.
 */

#define CONNECT_RAISED (-3) /* a Python exception is set (bad address, signal handler) */

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
        int left = timeout_ms, rc;
        for (;;) {
            Py_BEGIN_ALLOW_THREADS
            rc = poll(&pfd, 1, left);
            Py_END_ALLOW_THREADS
            if (rc >= 0 || errno != EINTR)
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
            err = errno;
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
    const char *host = PyUnicode_AsUTF8(args[2]);
    if (host == NULL || as_c_int(args[0], &family) < 0 || as_c_int(args[1], &socktype) < 0 ||
        as_c_int(args[3], &port) < 0 || as_u32(args[4], &flowinfo) < 0 ||
        as_u32(args[5], &scope_id) < 0 || as_c_int(args[6], &timeout_ms) < 0 ||
        (async_ = PyObject_IsTrue(args[7])) < 0)
        return NULL;
    int fd = do_connect(family, socktype, host, port, flowinfo, scope_id, timeout_ms, async_, &err);
    if (fd == CONNECT_RAISED)
        return NULL;
    return Py_BuildValue("(ii)", fd, err);
}

/* --------------------------------------------------------------------------------
 * stream_socket_client / fclose for the common case
 *
 * A connect + close is a few system calls; what PHP spends around them is a couple
 * of microseconds, and a Python implementation spent several times that just moving
 * arguments and attributes around. These two functions do the whole common case in
 * C and hand everything else to the Python functions (install_client()), exactly as
 * fread/fgets/fwrite do:
 *
 * stream_socket_client(address, error_code, error_message, timeout, flags, context)
 * takes this path only when: positional arguments; address is a str with a direct
 * plan (the Python layer registers one after deciding that a spec is a plain inet
 * transport with a numeric host -- see _xport.DirectConnect); the refs are None or
 * exact Ref; timeout is None or an exact finite float/int; flags is exactly
 * STREAM_CLIENT_CONNECT; the context (or the default one, which must exist) is an
 * exact StreamContext without a "socket" section. It then does what the Python
 * path does for such a call -- preset the refs, build the SocketStream with the same
 * attribute values (the constant ones are copied from a prototype made by the Python
 * constructor, so they cannot drift), connect -- and calls the Python failure
 * handler for a failed connect. A test holds the result equal to the full path's.
 *
 * fclose(stream) takes this path for an open exact SocketStream with no TLS, no
 * Python socket object, no persistent key and no pending notes.
 *
 * Attributes are Python __slots__, written through the member offsets looked up
 * once in install_client() (each must be an object slot of the class).
 */


static inline PyObject *
get_slot(PyObject *obj, Py_ssize_t off)
{
    return *(PyObject **)((char *)obj + off);
}

static inline void
set_slot(PyObject *obj, Py_ssize_t off, PyObject *value)
{
    PyObject **p = (PyObject **)((char *)obj + off);
    PyObject *old = *p;
    *p = Py_NewRef(value);
    Py_XDECREF(old);
}

static Py_ssize_t
slot_offset(PyObject *type, PyObject *name)
{
    PyObject *descr = PyObject_GetAttr(type, name);
    if (descr == NULL)
        return -1;
    Py_ssize_t off = -1;
    if (Py_IS_TYPE(descr, &PyMemberDescr_Type)) {
        PyMemberDef *m = ((PyMemberDescrObject *)descr)->d_member;
        if (m->type == T_OBJECT_EX && !(m->flags & READONLY))
            off = m->offset;
    }
    Py_DECREF(descr);
    if (off < 0)
        PyErr_Format(PyExc_TypeError, "%R is not an object slot", name);
    return off;
}

/* The timeout argument as PHP converts it: (sec, usec) and poll() milliseconds. */
static int
client_timeout(ClientState *cl, PyObject *arg, PyObject *dflt, int dflt_ms, PyObject **out,
               int *ms)
{
    double d;
    if (arg == Py_None) {
        *out = Py_NewRef(dflt);
        *ms = dflt_ms;
        return 1;
    }
    if (PyFloat_CheckExact(arg))
        d = PyFloat_AS_DOUBLE(arg);
    else if (PyLong_CheckExact(arg)) {
        d = PyLong_AsDouble(arg);
        if (d == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            return 0;
        }
    }
    else
        return 0;
    if (!isfinite(d))
        return 0; /* the Python path raises PHP's ValueError */
    if (d < 0.0 || d >= cl->timeout_max) { /* GH-11177: default_socket_timeout */
        *out = Py_NewRef(dflt);
        *ms = dflt_ms;
        return 1;
    }
    unsigned long long conv = (unsigned long long)(d * 1000000.0);
    unsigned long long sec = conv / 1000000, usec = conv % 1000000;
    *out = Py_BuildValue("(KK)", sec, usec);
    if (*out == NULL)
        return -1;
    long long total = (long long)sec * 1000 + (long long)(usec / 1000);
    *ms = (int)(int32_t)(uint32_t)(unsigned long long)total; /* php_tvtoto's C int */
    return 1;
}

static PyObject *
fast_client(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ClientState *cl = &state(mod)->client;
    PyObject *defaults = NULL, *timeout = NULL, *stream = NULL, *plan = NULL;
    if (!cl->ready || kwnames != NULL || nargs < 1 || nargs > 6 ||
        !PyUnicode_CheckExact(args[0]))
        goto slow;
    PyObject *address = args[0];
    PyObject *eref = nargs > 1 ? args[1] : Py_None;
    PyObject *sref = nargs > 2 ? args[2] : Py_None;
    PyObject *targ = nargs > 3 ? args[3] : Py_None;
    PyObject *ctx = nargs > 5 ? args[5] : Py_None;
    if ((eref != Py_None && (PyObject *)Py_TYPE(eref) != cl->ref_type) ||
        (sref != Py_None && (PyObject *)Py_TYPE(sref) != cl->ref_type))
        goto slow;
    if (nargs > 4) {
        int overflow;
        if (!PyLong_CheckExact(args[4]) || PyLong_AsLongAndOverflow(args[4], &overflow) != 4 ||
            overflow)
            goto slow;
    }
    /* (plans, read_timeout, read_ms, chunk_size, connect_timeout, connect_ms, ctx) */
    defaults = PyObject_CallNoArgs(cl->defaults);
    if (defaults == NULL)
        return NULL;
    if (!PyTuple_CheckExact(defaults) || PyTuple_GET_SIZE(defaults) != 7)
        goto slow;
    plan = PyDict_GetItemWithError(PyTuple_GET_ITEM(defaults, 0), address);
    if (plan == NULL) {
        if (PyErr_Occurred())
            goto error;
        goto slow;
    }
    Py_INCREF(plan); /* signal handlers run during the connect and may touch the plans */
    if (ctx == Py_None)
        ctx = PyTuple_GET_ITEM(defaults, 6);
    if ((PyObject *)Py_TYPE(ctx) != cl->context_type)
        goto slow; /* includes "no default context yet" */
    PyObject *options = PyObject_GetAttr(ctx, cl->s_options);
    if (options == NULL)
        goto error;
    int has_socket = PyDict_CheckExact(options) ? PyDict_Contains(options, cl->s_socket) : 1;
    Py_DECREF(options);
    if (has_socket != 0) {
        if (has_socket < 0)
            goto error;
        goto slow;
    }
    int connect_ms, read_ms, chunk_size;
    int got = client_timeout(cl, targ, PyTuple_GET_ITEM(defaults, 4),
                             (int)PyLong_AsLong(PyTuple_GET_ITEM(defaults, 5)), &timeout,
                             &connect_ms);
    if (got < 0)
        goto error;
    if (got == 0)
        goto slow;
    /* plan: (transport, stream_type, address, family, socktype, host, port, flowinfo,
     * scope_id) */
    int family, socktype, port;
    uint32_t flowinfo, scope_id;
    const char *host;
    if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != 9)
        goto slow;
    if (as_c_int(PyTuple_GET_ITEM(plan, 3), &family) < 0 ||
        as_c_int(PyTuple_GET_ITEM(plan, 4), &socktype) < 0 ||
        (host = PyUnicode_AsUTF8(PyTuple_GET_ITEM(plan, 5))) == NULL ||
        as_c_int(PyTuple_GET_ITEM(plan, 6), &port) < 0 ||
        as_u32(PyTuple_GET_ITEM(plan, 7), &flowinfo) < 0 ||
        as_u32(PyTuple_GET_ITEM(plan, 8), &scope_id) < 0 ||
        as_c_int(PyTuple_GET_ITEM(defaults, 2), &read_ms) < 0 ||
        as_c_int(PyTuple_GET_ITEM(defaults, 3), &chunk_size) < 0)
        goto error;

    /* What the Python path does, in its order: refs, stream, connect. */
    if (eref != Py_None && PyObject_SetAttr(eref, cl->s_value, cl->zero) < 0)
        goto error;
    if (sref != Py_None && PyObject_SetAttr(sref, cl->s_value, cl->empty) < 0)
        goto error;
    PyTypeObject *type = (PyTypeObject *)cl->socket_type;
    stream = type->tp_new(type, cl->empty_args, NULL);
    if (stream == NULL)
        goto error;
    StreamCore *core = (StreamCore *)stream;
    core->chunk_size = chunk_size;
    core->timeout_ms = read_ms;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(cl->constants); i++) {
        PyObject *pair = PyTuple_GET_ITEM(cl->constants, i);
        set_slot(stream, PyLong_AsSsize_t(PyTuple_GET_ITEM(pair, 0)), PyTuple_GET_ITEM(pair, 1));
    }
    set_slot(stream, cl->off[SL_CONTEXT], ctx);
    set_slot(stream, cl->off[SL_STREAM_TYPE], PyTuple_GET_ITEM(plan, 1));
    set_slot(stream, cl->off[SL_SPEC], PyTuple_GET_ITEM(plan, 0));
    set_slot(stream, cl->off[SL_TIMEOUT], PyTuple_GET_ITEM(defaults, 1));
    set_slot(stream, cl->off[SL_CONNECT_TIMEOUT], timeout);
    set_slot(stream, cl->off[SL_ADDRESS], PyTuple_GET_ITEM(plan, 2));

    int err;
    int fd = do_connect(family, socktype, host, port, flowinfo, scope_id, connect_ms, 0, &err);
    if (fd == CONNECT_RAISED)
        goto error;
    if (fd < 0) {
        PyObject *r = PyObject_CallFunction(cl->failed, "OOOOii", stream, address, eref, sref,
                                            fd, err);
        Py_DECREF(stream);
        Py_DECREF(timeout);
        Py_DECREF(plan);
        Py_DECREF(defaults);
        return r;
    }
    PyObject *fd_obj = PyLong_FromLong(fd);
    if (fd_obj == NULL) {
        close(fd);
        goto error;
    }
    set_slot(stream, cl->off[SL_FD], fd_obj);
    Py_DECREF(fd_obj);
    set_slot(stream, cl->off[SL_FAMILY], PyTuple_GET_ITEM(plan, 3));
    core->direct_fd = fd;
    Py_DECREF(timeout);
    Py_DECREF(plan);
    Py_DECREF(defaults);
    return stream;

slow:
    Py_XDECREF(timeout);
    Py_XDECREF(plan);
    Py_XDECREF(defaults);
    return PyObject_Vectorcall(cl->client_py, args, (size_t)nargs, kwnames);
error:
    Py_XDECREF(stream);
    Py_XDECREF(timeout);
    Py_XDECREF(plan);
    Py_XDECREF(defaults);
    return NULL;
}

static PyObject *
fast_fclose(PyObject *mod, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    ModState *st = state(mod);
    ClientState *cl = &st->client;
    if (cl->ready && kwnames == NULL && nargs == 1 && fast_stream(st, args[0])) {
        PyObject *obj = args[0];
        StreamCore *s = (StreamCore *)obj;
        PyObject *fd_obj = get_slot(obj, cl->off[SL_FD]);
        if (get_slot(obj, cl->off[SL_CRYPTO]) == Py_None &&
            get_slot(obj, cl->off[SL_SOCK]) == Py_None &&
            get_slot(obj, cl->off[SL_PERSISTENT_KEY]) == Py_None && fd_obj != NULL &&
            PyLong_CheckExact(fd_obj) && PyList_GET_SIZE(s->notes) == 0) {
            long fd = PyLong_AsLong(fd_obj);
            /* Stream.close(): closed, "Unknown", buffer discarded, then _op_close. */
            s->closed = 1;
            set_slot(obj, cl->off[SL_RESOURCE_TYPE], cl->s_unknown);
            s->readpos = s->writepos = 0;
            if (fd >= 0)
                close((int)fd);
            set_slot(obj, cl->off[SL_FD], cl->minus_one);
            set_slot(obj, cl->off[SL_POLLER], Py_None);
            s->direct_fd = -1;
            Py_RETURN_TRUE;
        }
    }
    if (st->fclose_py == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "phpstreams._speedups: install() was not called");
        return NULL;
    }
    return PyObject_Vectorcall(st->fclose_py, args, (size_t)nargs, kwnames);
}

static PyObject *
install_client(PyObject *mod, PyObject *args)
{
    ModState *st = state(mod);
    ClientState *cl = &st->client;
    PyObject *socket_type, *ref_type, *context_type, *client_py, *defaults, *failed, *proto;
    PyObject *constant_names;
    double timeout_max;
    if (!PyArg_ParseTuple(args, "O!OOOOOOOd", &PyType_Type, &socket_type, &ref_type,
                          &context_type, &client_py, &defaults, &failed, &proto,
                          &constant_names, &timeout_max))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)socket_type, st->core_type)) {
        PyErr_SetString(PyExc_TypeError, "install_client(): not a StreamCore subclass");
        return NULL;
    }
    cl->ready = 0;
    for (int i = 0; i < SL_COUNT; i++) {
        PyObject *name = PyUnicode_InternFromString(slot_names[i]);
        if (name == NULL)
            return NULL;
        cl->off[i] = slot_offset(socket_type, name);
        Py_DECREF(name);
        if (cl->off[i] < 0)
            return NULL;
    }
    /* The constant attributes: (offset, the prototype's value). */
    PyObject *names = PySequence_Tuple(constant_names);
    if (names == NULL)
        return NULL;
    PyObject *constants = PyTuple_New(PyTuple_GET_SIZE(names));
    if (constants == NULL) {
        Py_DECREF(names);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(names); i++) {
        PyObject *name = PyTuple_GET_ITEM(names, i);
        Py_ssize_t off = slot_offset(socket_type, name);
        PyObject *value = off < 0 ? NULL : PyObject_GetAttr(proto, name);
        PyObject *pair = value == NULL ? NULL : Py_BuildValue("(nN)", off, value);
        if (pair == NULL) {
            Py_DECREF(names);
            Py_DECREF(constants);
            return NULL;
        }
        PyTuple_SET_ITEM(constants, i, pair);
    }
    Py_DECREF(names);
    Py_XSETREF(cl->constants, constants);
    Py_XSETREF(cl->socket_type, Py_NewRef(socket_type));
    Py_XSETREF(cl->ref_type, Py_NewRef(ref_type));
    Py_XSETREF(cl->context_type, Py_NewRef(context_type));
    Py_XSETREF(cl->client_py, Py_NewRef(client_py));
    Py_XSETREF(cl->defaults, Py_NewRef(defaults));
    Py_XSETREF(cl->failed, Py_NewRef(failed));
    cl->timeout_max = timeout_max;
    if (cl->s_value == NULL) {
        cl->s_value = PyUnicode_InternFromString("value");
        cl->s_options = PyUnicode_InternFromString("options");
        cl->s_socket = PyUnicode_InternFromString("socket");
        cl->s_unknown = PyUnicode_InternFromString("Unknown");
        cl->zero = PyLong_FromLong(0);
        cl->minus_one = PyLong_FromLong(-1);
        cl->empty = PyUnicode_FromString("");
        cl->empty_args = PyTuple_New(0);
        if (!cl->s_value || !cl->s_options || !cl->s_socket || !cl->s_unknown ||
            !cl->zero || !cl->minus_one || !cl->empty || !cl->empty_args)
            return NULL;
    }
    cl->ready = 1;
    Py_RETURN_NONE;
}

static PyMethodDef module_methods[] = {
    {"fread", (PyCFunction)(void (*)(void))fast_fread, METH_FASTCALL | METH_KEYWORDS,
     "fread($module, stream, length)\n--\n\n"
     "PHP's fread() (C fast path for socket streams)."},
    {"fgets", (PyCFunction)(void (*)(void))fast_fgets, METH_FASTCALL | METH_KEYWORDS,
     "fgets($module, stream, length=None)\n--\n\n"
     "PHP's fgets() (C fast path for socket streams)."},
    {"fwrite", (PyCFunction)(void (*)(void))fast_fwrite, METH_FASTCALL | METH_KEYWORDS,
     "fwrite($module, stream, data, length=None)\n--\n\n"
     "PHP's fwrite() (C fast path for socket streams)."},
    {"select_plain", select_plain, METH_VARARGS,
     "select_plain(read, write, except_, masks, timeout_ms): stream_select() over plain\n"
     "socket streams in lists -> (count, read, write, except_), or None (not applicable)."},
    {"connect_fd", (PyCFunction)(void (*)(void))connect_fd, METH_FASTCALL,
     "connect_fd(family, socktype, host, port, flowinfo, scope_id, timeout_ms, async_):\n"
     "one inet connect on a bare descriptor -> (fd, err); see the comment in the source."},
    {"stream_socket_client", (PyCFunction)(void (*)(void))fast_client,
     METH_FASTCALL | METH_KEYWORDS,
     "stream_socket_client($module, address, error_code=None, error_message=None, "
     "timeout=None, flags=4, context=None)\n--\n\n"
     "PHP's stream_socket_client() (C fast path for the common case, see the source)."},
    {"fclose", (PyCFunction)(void (*)(void))fast_fclose, METH_FASTCALL | METH_KEYWORDS,
     "fclose($module, stream)\n--\n\n"
     "PHP's fclose() (C fast path for plain socket streams)."},
    {"install_client", install_client, METH_VARARGS,
     "install_client(socket_type, ref_type, context_type, client, defaults, failed,\n"
     "prototype, "
     "constant_names, timeout_max): enable the stream_socket_client/fclose fast paths."},
    {"install", install, METH_VARARGS,
     "install(socket_type, fread, fgets, fwrite, fclose, drain): the Python implementations."},
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
    st->s_fread = PyUnicode_InternFromString("fread");
    st->s_fgets = PyUnicode_InternFromString("fgets");
    st->s_fwrite = PyUnicode_InternFromString("fwrite");
    if (!st->s_fread || !st->s_fgets || !st->s_fwrite)
        return -1;
    return 0;
}

static int
mod_traverse(PyObject *mod, visitproc visit, void *arg)
{
    ModState *st = state(mod);
    Py_VISIT(st->core_type);
    Py_VISIT(st->socket_type);
    Py_VISIT(st->fread_py);
    Py_VISIT(st->fgets_py);
    Py_VISIT(st->fwrite_py);
    Py_VISIT(st->fclose_py);
    Py_VISIT(st->drain);
    Py_VISIT(st->client.socket_type);
    Py_VISIT(st->client.ref_type);
    Py_VISIT(st->client.context_type);
    Py_VISIT(st->client.client_py);
    Py_VISIT(st->client.defaults);
    Py_VISIT(st->client.failed);
    Py_VISIT(st->client.constants);
    return 0;
}

static int
mod_clear(PyObject *mod)
{
    ModState *st = state(mod);
    Py_CLEAR(st->core_type);
    Py_CLEAR(st->socket_type);
    Py_CLEAR(st->fread_py);
    Py_CLEAR(st->fgets_py);
    Py_CLEAR(st->fwrite_py);
    Py_CLEAR(st->fclose_py);
    Py_CLEAR(st->drain);
    st->client.ready = 0;
    Py_CLEAR(st->client.socket_type);
    Py_CLEAR(st->client.ref_type);
    Py_CLEAR(st->client.context_type);
    Py_CLEAR(st->client.client_py);
    Py_CLEAR(st->client.defaults);
    Py_CLEAR(st->client.failed);
    Py_CLEAR(st->client.constants);
    Py_CLEAR(st->client.s_value);
    Py_CLEAR(st->client.s_options);
    Py_CLEAR(st->client.s_socket);
    Py_CLEAR(st->client.s_unknown);
    Py_CLEAR(st->client.zero);
    Py_CLEAR(st->client.minus_one);
    Py_CLEAR(st->client.empty);
    Py_CLEAR(st->client.empty_args);
    Py_CLEAR(st->s_fread);
    Py_CLEAR(st->s_fgets);
    Py_CLEAR(st->s_fwrite);
    return 0;
}

static PyModuleDef_Slot mod_slots[] = {{Py_mod_exec, mod_exec}, {0, NULL}};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    "phpstreams._speedups",
    "PHP's stream buffer and plain-socket I/O in C, and fast fread/fgets/fwrite.",
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
