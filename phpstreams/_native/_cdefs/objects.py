"""objects.h / obj_mac.h: object identifiers (NIDs, short and long names)."""

INCLUDES = """
#include <openssl/objects.h>
"""

TYPES = """
static const int NID_undef;
static const int NID_commonName;
static const int NID_subject_alt_name;
"""

FUNCTIONS = """
int OBJ_obj2nid(const ASN1_OBJECT *);
const char *OBJ_nid2sn(int);
const char *OBJ_nid2ln(int);
int OBJ_obj2txt(char *, int, const ASN1_OBJECT *, int);
"""

CUSTOMIZATIONS = """
"""
