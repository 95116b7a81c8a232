// The header's one function is inline; SwiftPM wants a source file in a C target.
#include "CStrataPrefetch.h"
