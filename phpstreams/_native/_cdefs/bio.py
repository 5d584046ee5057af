"""bio.h: memory and file BIOs (the transport under an SSL object and PEM input)."""

INCLUDES = """
#include <openssl/bio.h>
"""

TYPES = """
typedef ... BIO;
typedef ... BIO_METHOD;
"""

FUNCTIONS = """
BIO *BIO_new(const BIO_METHOD *);
const BIO_METHOD *BIO_s_mem(void);
int BIO_free(BIO *);
int BIO_read(BIO *, void *, int);
int BIO_write(BIO *, const void *, int);
size_t BIO_ctrl_pending(BIO *);
BIO *BIO_new_mem_buf(const void *, int);
BIO *BIO_new_file(const char *, const char *);

/* Macros over BIO_ctrl in every version. */
int phpstreams_BIO_pending(BIO *);
long phpstreams_BIO_set_mem_eof_return(BIO *, int);
"""

CUSTOMIZATIONS = """
static int phpstreams_BIO_pending(BIO *bio)
{
    return BIO_pending(bio);
}

static long phpstreams_BIO_set_mem_eof_return(BIO *bio, int value)
{
    return BIO_set_mem_eof_return(bio, value);
}
"""
