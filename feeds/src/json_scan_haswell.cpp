// Built with -mavx2 -mbmi -mpclmul -mlzcnt (see feeds/CMakeLists.txt); only called when the CPU
// has them (JsonScanner checks at run time).
#define LODESTONE_SCAN_KERNEL haswell
#include "json_scan_impl.inc"
