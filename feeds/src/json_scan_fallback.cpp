// The portable copy of the scanner, for CPUs without AVX2.
#define LODESTONE_SCAN_KERNEL fallback
#include "json_scan_impl.inc"
