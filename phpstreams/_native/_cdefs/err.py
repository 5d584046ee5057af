"""err.h: the per-thread OpenSSL error queue."""

INCLUDES = """
#include <openssl/err.h>
"""

TYPES = """
static const int ERR_LIB_SSL;
"""

FUNCTIONS = """
unsigned long ERR_get_error(void);
unsigned long ERR_peek_error(void);
unsigned long ERR_peek_last_error(void);
void ERR_clear_error(void);
void ERR_error_string_n(unsigned long, char *, size_t);
const char *ERR_lib_error_string(unsigned long);
const char *ERR_reason_error_string(unsigned long);

/* ERR_GET_LIB / ERR_GET_REASON: macros in 1.1.1, static inline functions in 3.0. */
int phpstreams_ERR_GET_LIB(unsigned long);
int phpstreams_ERR_GET_REASON(unsigned long);
/* ERR_SYSTEM_ERROR: 3.0 packs an errno with bit 31 set; 1.1.1 has no such errors. */
int phpstreams_ERR_SYSTEM_ERROR(unsigned long);

/* ERR_get_error_all (3.0): the oldest error with the function name OpenSSL recorded for
   it ("" when none); on 1.1.1 the name is ERR_func_error_string's. */
unsigned long phpstreams_ERR_get_error_all(const char **);

/* Push one error (library, reason) on this thread's queue: ERR_raise in 3.0 (a macro over
   ERR_new + ERR_set_debug + ERR_set_error), ERR_put_error in 1.1.1.  Used by tests. */
void phpstreams_err_raise(int, int);
"""

CUSTOMIZATIONS = """
static int phpstreams_ERR_GET_LIB(unsigned long code)
{
    return ERR_GET_LIB(code);
}

static int phpstreams_ERR_GET_REASON(unsigned long code)
{
    return ERR_GET_REASON(code);
}

static int phpstreams_ERR_SYSTEM_ERROR(unsigned long code)
{
#ifdef ERR_SYSTEM_ERROR
    return ERR_SYSTEM_ERROR(code);
#else
    return 0;
#endif
}

static unsigned long phpstreams_ERR_get_error_all(const char **func)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    unsigned long code = ERR_get_error_all(NULL, NULL, func, NULL, NULL);
#else
    unsigned long code = ERR_get_error();
    *func = code ? ERR_func_error_string(code) : NULL;
#endif
    if (*func == NULL)
        *func = "";
    return code;
}

static void phpstreams_err_raise(int lib, int reason)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    ERR_raise(lib, reason);
#else
    ERR_put_error(lib, 0, reason, __FILE__, __LINE__);
#endif
}
"""
