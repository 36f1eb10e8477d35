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
set(CMAKE_CXX_EXTENSIONS OFF)

# Asio and Beast are compiled once, in lodestone::asio, instead of in every translation unit.
function(lodestone_uses_asio target)
  target_link_libraries(${target} PUBLIC lodestone::asio)
endfunction()
