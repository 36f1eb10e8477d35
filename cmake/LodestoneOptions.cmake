# One interface target carries the project's warnings and sanitizer flags, so they reach
# Lodestone's own targets only (never the system libraries it links).
add_library(lodestone_options INTERFACE)
add_library(lodestone::options ALIAS lodestone_options)
target_compile_features(lodestone_options INTERFACE cxx_std_20)
target_compile_options(lodestone_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion -Wnon-virtual-dtor
  -Wold-style-cast -Wnull-dereference -Wimplicit-fallthrough
  $<$<BOOL:${LODESTONE_WERROR}>:-Werror>)
if(LODESTONE_SANITIZE)
  target_compile_options(lodestone_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                         -fno-sanitize-recover=undefined)
  target_link_options(lodestone_options INTERFACE -fsanitize=address,undefined)
endif()
# ThreadSanitizer (the tsan preset): it cannot be combined with ASan, and libFuzzer targets are
# left out of that tree (they are single-threaded; the dev preset covers them).
option(LODESTONE_SANITIZE_THREAD "Build with ThreadSanitizer (the tsan preset)" OFF)
if(LODESTONE_SANITIZE_THREAD)
  if(LODESTONE_SANITIZE)
    message(FATAL_ERROR "LODESTONE_SANITIZE_THREAD cannot be combined with LODESTONE_SANITIZE (ASan)")
  endif()
  # Every translation unit, Asio's separately compiled one (lodestone::asio) included: TSan
  # misses the happens-before edges of atomics in code it did not instrument and then reports
  # races that are not there. This is the one global flag, and only in the tsan tree.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
set(CMAKE_CXX_EXTENSIONS OFF)

# Asio and Beast are compiled once, in lodestone::asio, instead of in every translation unit.
function(lodestone_uses_asio target)
  target_link_libraries(${target} PUBLIC lodestone::asio)
endfunction()
