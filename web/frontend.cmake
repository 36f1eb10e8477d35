# The trader's page: web/frontend bundled by esbuild (web/build.mjs) into ${PROJECT_BINARY_DIR}/web/dist,
# which the daemon serves. node and web/node_modules come from deploy/setup.sh (npm ci on the lockfile).
find_program(LODESTONE_NODE node)
if(NOT LODESTONE_NODE)
  message(FATAL_ERROR "node is required to bundle the web page; run deploy/setup.sh")
endif()

set(LODESTONE_WEB_DIST "${PROJECT_BINARY_DIR}/web/dist")
# Cached too, so directories processed before web/ (daemon/, tests/) see it on later configures.
set(LODESTONE_WEB_DIST "${LODESTONE_WEB_DIST}" CACHE INTERNAL "The bundled page the daemon serves")

set(_web_dir "${CMAKE_CURRENT_LIST_DIR}")
file(GLOB_RECURSE _web_sources CONFIGURE_DEPENDS
  "${_web_dir}/frontend/*.html" "${_web_dir}/frontend/*.js" "${_web_dir}/frontend/*.css" "${_web_dir}/frontend/*.svg")

# index.html is written last by build.mjs, so it stands for the whole bundle.
add_custom_command(
  OUTPUT "${LODESTONE_WEB_DIST}/index.html" "${LODESTONE_WEB_DIST}/app.js" "${LODESTONE_WEB_DIST}/app.css"
  COMMAND "${LODESTONE_NODE}" "${_web_dir}/build.mjs" --outdir "${LODESTONE_WEB_DIST}"
  DEPENDS ${_web_sources} "${_web_dir}/build.mjs" "${_web_dir}/package-lock.json"
  WORKING_DIRECTORY "${_web_dir}"
  COMMENT "Bundling the web page into ${LODESTONE_WEB_DIST}"
  VERBATIM)
add_custom_target(web_assets ALL DEPENDS "${LODESTONE_WEB_DIST}/index.html")
