# Regenerates the bundled tapes and fails unless they match the committed files byte for byte.
# The tiny tape's flags are the ones feeds/tapes/README.md documents.
file(MAKE_DIRECTORY ${WORK_DIR})

function(regenerate name)
  execute_process(COMMAND ${GENERATOR} --out ${WORK_DIR}/${name} ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "lodestone_tapegen failed for ${name} (${rc})")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WORK_DIR}/${name} ${TAPES_DIR}/${name} RESULT_VARIABLE differs)
  if(NOT differs EQUAL 0)
    message(FATAL_ERROR "${TAPES_DIR}/${name} is not what the generator writes (see ${WORK_DIR}/${name})")
  endif()
  message(STATUS "${name}: identical")
endfunction()

regenerate(rare-earth-2026-02.ndjson)
regenerate(tiny.ndjson --only 159713.SZ,600392.SH,600111.SH --from 2026-02-09T14:14:00 --to 2026-02-09T14:25:30)
