# The one way the project runs pytest under ctest (tests/*/CMakeLists.txt and bench/ include
# this file).
#
#   memstripe_add_pytest(<name> <test file> [ROOTDIR <dir>] [ENVIRONMENT <VAR=value>...]
#                        [LABELS <label>...] [TIMEOUT <seconds>])
#
# Hermetic: PYTEST_DISABLE_PLUGIN_AUTOLOAD=1, so the plugins a machine happens to have
# installed (Debian's python3-pytest-django configures Django itself and breaks
# tests/clients/test_django_cache.py) never load; the suites use no plugin. Nothing is
# written to the source tree: no pytest cache, no bytecode. ROOTDIR defaults to tests/,
# which keeps tests/conftest.py in reach from any build directory.
include_guard(GLOBAL)

# The Python clients come from Debian and live under the system interpreter, which may not
# be the first python3 on PATH.
set(MEMSTRIPE_PYTHON /usr/bin/python3 CACHE FILEPATH "Python with Debian's memcached clients")

function(memstripe_add_pytest name file)
  # ${ARGN}, not PARSE_ARGV: an ENVIRONMENT argument holding a list ("A=1;B=2") splits into
  # its variables.
  cmake_parse_arguments(arg "" "ROOTDIR;TIMEOUT" "ENVIRONMENT;LABELS" ${ARGN})
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "memstripe_add_pytest(${name}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_ROOTDIR)
    set(arg_ROOTDIR ${PROJECT_SOURCE_DIR}/tests)
  endif()
  add_test(NAME ${name}
           COMMAND ${MEMSTRIPE_PYTHON} -m pytest -q -p no:cacheprovider --rootdir=${arg_ROOTDIR} ${file})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "PYTEST_DISABLE_PLUGIN_AUTOLOAD=1;PYTHONDONTWRITEBYTECODE=1;${arg_ENVIRONMENT}")
  if(arg_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${arg_LABELS}")
  endif()
  if(arg_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${arg_TIMEOUT})
  endif()
endfunction()
