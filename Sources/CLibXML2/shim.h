// libxml2's push parser and SAX2 callbacks, for streaming the XML inside .xlsx workbooks.
//
// Debian builds libxml2 with ICU, so its encoding.h includes the system's ICU headers, which clash with the
// ICU that Foundation brings. lagesbild never uses libxml2's ICU converters: stand-ins for the two ICU
// types that header names keep the system ICU out of the module.
#define UCNV_H
typedef struct UConverter UConverter;
typedef unsigned short UChar;
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
