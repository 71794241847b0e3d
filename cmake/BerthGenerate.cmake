#[=======================================================================[.rst:
BerthGenerate
-------------

Generate C tables from berth port policies at build time.  Needs CMake 3.15
or later.

.. code-block:: cmake

  include(BerthGenerate)
  berth_generate(<Name> <policy>...
                 OUTPUT_DIR <dir>
                 [NAME <base>]
                 [PREFIX <prefix>]
                 [SITE <site>]
                 [ROOT <dir>]
                 [BERTH_EXECUTABLE <path-or-target>])

Adds a custom command that runs ``berth gen c`` on the policies and writes
``<dir>/<base>.h`` and ``<dir>/<base>.c``.  The policies are checked first:
a policy with errors fails the build and generates nothing.

``<policy>...``
  The policy files named on the ``berth`` command line.  Relative paths are
  relative to :variable:`CMAKE_CURRENT_SOURCE_DIR`.  Files they ``import``
  need not be listed: ``berth`` reports every file it loaded in a depfile.

``OUTPUT_DIR <dir>``
  Where the generated files go; relative to
  :variable:`CMAKE_CURRENT_BINARY_DIR`.  Required.

``NAME <base>``
  Base name of the generated files (``berth --name``); default
  ``berth_policy``.

``PREFIX <prefix>``
  Prefix of the generated C identifiers (``berth --prefix``); default
  ``berth``.

``SITE <site>``
  Describe that site's deployment instead of the systems' defaults
  (``berth --site``).

``ROOT <dir>``
  Policy root that imports must stay under (``berth --root``); default: the
  first policy's directory.

``BERTH_EXECUTABLE <path-or-target>``
  The ``berth`` program, or the name of an executable target that builds
  it.  Default: the ``BERTH_EXECUTABLE`` variable, found with
  :command:`find_program` when unset (first in the ``bin`` directory of the
  prefix this module is installed under, then on the ``PATH``).

The function sets, in the caller's scope:

``<Name>_OUTPUTS``
  Every file the command produces: the header, the source and a stamp file.
  List them as sources of exactly one target (as with
  :command:`add_custom_command`, the target must be in the same directory).
``<Name>_HEADER``, ``<Name>_SOURCE``
  The generated header and source.
``<Name>_INCLUDE_DIR``
  The directory holding the header (``OUTPUT_DIR`` as an absolute path).

Rebuilds: ``berth`` rewrites the header and source only when their content
changes, so touching a policy or editing its comments reruns ``berth`` but
recompiles nothing.  The stamp file records that the command ran.  With
CMake 3.20 or later and a Makefile or Ninja generator (3.21: also Xcode and
Visual Studio), the command's ``DEPFILE`` names every policy loaded,
imports included, so editing an imported policy regenerates too.  Other
generators depend on every ``*.ports`` file under the policy root, found
when CMake configures.

Example:

.. code-block:: cmake

  list(APPEND CMAKE_MODULE_PATH /usr/local/lib/cmake/berth)
  include(BerthGenerate)
  berth_generate(Policy ${CMAKE_CURRENT_SOURCE_DIR}/policies/site.ports
                 OUTPUT_DIR gen NAME policy)
  add_executable(app main.c ${Policy_OUTPUTS})
  target_include_directories(app PRIVATE ${Policy_INCLUDE_DIR})
#]=======================================================================]

# At build time the custom command runs this file in script mode:
#   cmake -D_BERTH_STAMP=S [-D_BERTH_DEPFILE=D -D_BERTH_DEPFILE_TARGET=T]
#         -P BerthGenerate.cmake -- <berth> gen c ... [--depfile D.berth]
# It runs berth, rewrites berth's depfile to name the stamp (berth names
# the generated files, whose mtimes stay put when unchanged) and touches
# the stamp.
if(CMAKE_SCRIPT_MODE_FILE AND DEFINED _BERTH_STAMP)
  set(_berth_cmd "")
  set(_berth_seen FALSE)
  math(EXPR _berth_last "${CMAKE_ARGC} - 1")
  foreach(_berth_i RANGE 1 ${_berth_last})
    if(_berth_seen)
      list(APPEND _berth_cmd "${CMAKE_ARGV${_berth_i}}")
    elseif(CMAKE_ARGV${_berth_i} STREQUAL "--")
      set(_berth_seen TRUE)
    endif()
  endforeach()
  if(NOT _berth_cmd)
    message(FATAL_ERROR "BerthGenerate: no berth command after '--'")
  endif()
  execute_process(COMMAND ${_berth_cmd} RESULT_VARIABLE _berth_rc)
  if(NOT _berth_rc STREQUAL "0")
    message(FATAL_ERROR "BerthGenerate: berth failed (${_berth_rc})")
  endif()
  if(DEFINED _BERTH_DEPFILE)
    file(READ "${_BERTH_DEPFILE}.berth" _berth_dep)
    # "targets: prerequisites"; ": " because a Windows path holds "C:/".
    string(FIND "${_berth_dep}" ": " _berth_colon)
    if(_berth_colon LESS 0)
      message(FATAL_ERROR "BerthGenerate: no rule in ${_BERTH_DEPFILE}.berth")
    endif()
    string(SUBSTRING "${_berth_dep}" ${_berth_colon} -1 _berth_rest)
    string(REPLACE "$" "$$" _berth_target "${_BERTH_DEPFILE_TARGET}")
    string(REPLACE " " "\\ " _berth_target "${_berth_target}")
    string(REPLACE "#" "\\#" _berth_target "${_berth_target}")
    file(WRITE "${_BERTH_DEPFILE}" "${_berth_target}${_berth_rest}")
  endif()
  file(TOUCH "${_BERTH_STAMP}")
  return()
endif()

if(CMAKE_VERSION VERSION_LESS 3.15)
  message(FATAL_ERROR "BerthGenerate needs CMake 3.15 or later")
endif()

# Function bodies see the caller's CMAKE_CURRENT_LIST_FILE: keep this one.
set_property(GLOBAL PROPERTY _BERTH_GENERATE_MODULE "${CMAKE_CURRENT_LIST_FILE}")

function(berth_generate name)
  cmake_parse_arguments(PARSE_ARGV 1 _bg ""
    "OUTPUT_DIR;NAME;PREFIX;SITE;ROOT;BERTH_EXECUTABLE" "")
  set(policies ${_bg_UNPARSED_ARGUMENTS})
  if(name STREQUAL "" OR name MATCHES "^(OUTPUT_DIR|NAME|PREFIX|SITE|ROOT|BERTH_EXECUTABLE)$")
    message(FATAL_ERROR "berth_generate: the first argument is the <Name> of the outputs")
  endif()
  if(NOT policies)
    message(FATAL_ERROR "berth_generate(${name}): no policy files given")
  endif()
  if(NOT DEFINED _bg_OUTPUT_DIR OR _bg_OUTPUT_DIR STREQUAL "")
    message(FATAL_ERROR "berth_generate(${name}): OUTPUT_DIR <dir> is required")
  endif()
  foreach(kw IN LISTS _bg_KEYWORDS_MISSING_VALUES)
    message(FATAL_ERROR "berth_generate(${name}): ${kw} needs a value")
  endforeach()
  set(base berth_policy)
  if(DEFINED _bg_NAME)
    if(_bg_NAME MATCHES "/|\\\\")
      message(FATAL_ERROR "berth_generate(${name}): NAME '${_bg_NAME}' must be a file name")
    endif()
    set(base "${_bg_NAME}")
  endif()
  if(DEFINED _bg_PREFIX AND NOT _bg_PREFIX MATCHES "^[A-Za-z_][A-Za-z0-9_]*$")
    message(FATAL_ERROR "berth_generate(${name}): PREFIX '${_bg_PREFIX}' must be a C identifier")
  endif()

  # The program: an argument, the BERTH_EXECUTABLE variable, or the PATH.
  if(_bg_BERTH_EXECUTABLE)
    set(berth "${_bg_BERTH_EXECUTABLE}")
  else()
    if(NOT BERTH_EXECUTABLE)
      # Installed as PREFIX/lib/cmake/berth/BerthGenerate.cmake: try PREFIX/bin.
      get_property(module GLOBAL PROPERTY _BERTH_GENERATE_MODULE)
      get_filename_component(prefix "${module}" DIRECTORY)
      get_filename_component(prefix "${prefix}/../../.." ABSOLUTE)
      find_program(BERTH_EXECUTABLE NAMES berth HINTS "${prefix}/bin" DOC "the berth program")
      mark_as_advanced(BERTH_EXECUTABLE)
    endif()
    if(NOT BERTH_EXECUTABLE)
      message(FATAL_ERROR "berth_generate(${name}): berth not found; set BERTH_EXECUTABLE")
    endif()
    set(berth "${BERTH_EXECUTABLE}")
  endif()
  if(TARGET "${berth}")
    set(berth_dep "${berth}")
    set(berth "$<TARGET_FILE:${berth}>")
  else()
    get_filename_component(berth "${berth}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${berth}" OR IS_DIRECTORY "${berth}")
      message(FATAL_ERROR "berth_generate(${name}): no berth program at '${berth}'")
    endif()
    set(berth_dep "${berth}")
  endif()

  get_filename_component(outdir "${_bg_OUTPUT_DIR}" ABSOLUTE
                         BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  set(header "${outdir}/${base}.h")
  set(source "${outdir}/${base}.c")
  # The stamp and depfiles stay out of OUTPUT_DIR, an include directory.
  set(private "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/berth-${name}.dir")
  set(stamp "${private}/${base}.stamp")
  set(depfile "${private}/${base}.d")
  file(MAKE_DIRECTORY "${outdir}" "${private}")

  set(inputs "")
  foreach(p IN LISTS policies)
    get_filename_component(p "${p}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_source_file_property(generated "${p}" GENERATED)
    if(NOT EXISTS "${p}" AND NOT generated)
      message(FATAL_ERROR "berth_generate(${name}): no policy file '${p}'")
    endif()
    list(APPEND inputs "${p}")
  endforeach()

  set(args gen c -o "${outdir}" --name "${base}")
  if(DEFINED _bg_PREFIX)
    list(APPEND args --prefix "${_bg_PREFIX}")
  endif()
  if(DEFINED _bg_SITE)
    list(APPEND args --site "${_bg_SITE}")
  endif()
  if(DEFINED _bg_ROOT)
    get_filename_component(root "${_bg_ROOT}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND args --root "${root}")
  else()
    list(GET inputs 0 first)
    get_filename_component(root "${first}" DIRECTORY)
  endif()

  # DEPFILE: Ninja always; Makefiles from 3.20; Xcode, Visual Studio from 3.21.
  set(use_depfile FALSE)
  if(CMAKE_GENERATOR MATCHES "Ninja")
    set(use_depfile TRUE)
  elseif(CMAKE_GENERATOR MATCHES "Makefiles" AND NOT CMAKE_VERSION VERSION_LESS 3.20)
    set(use_depfile TRUE)
  elseif(CMAKE_GENERATOR MATCHES "Xcode|Visual Studio" AND NOT CMAKE_VERSION VERSION_LESS 3.21)
    set(use_depfile TRUE)
  endif()

  set(script_defs "-D_BERTH_STAMP=${stamp}")
  set(depfile_arg "")
  set(extra_deps "")
  if(use_depfile)
    # The rule's target must be the stamp as the build tool names it. CMake
    # rewrites depfiles into that form, except for Ninja under CMP0116 OLD
    # (projects requiring CMake < 3.20), which reads it as written: there
    # the stamp is relative to the top build directory, where ninja runs.
    set(target "${stamp}")
    if(CMAKE_GENERATOR MATCHES "Ninja" AND NOT CMAKE_VERSION VERSION_LESS 3.20)
      cmake_policy(GET CMP0116 cmp0116)
      if(NOT cmp0116 STREQUAL "NEW")
        file(RELATIVE_PATH target "${CMAKE_BINARY_DIR}" "${stamp}")
      endif()
    elseif(CMAKE_GENERATOR MATCHES "Ninja")
      file(RELATIVE_PATH target "${CMAKE_BINARY_DIR}" "${stamp}")
    endif()
    list(APPEND script_defs "-D_BERTH_DEPFILE=${depfile}" "-D_BERTH_DEPFILE_TARGET=${target}")
    list(APPEND args --depfile "${depfile}.berth")
    set(depfile_arg DEPFILE "${depfile}")
  else()
    # Without a depfile: every policy under the root, as CMake configures.
    file(GLOB_RECURSE extra_deps CONFIGURE_DEPENDS "${root}/*.ports")
  endif()

  get_property(module GLOBAL PROPERTY _BERTH_GENERATE_MODULE)
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS "${header}" "${source}"
    COMMAND "${CMAKE_COMMAND}" ${script_defs} -P "${module}" -- "${berth}" ${args} ${inputs}
    DEPENDS ${inputs} ${extra_deps} "${berth_dep}" "${module}"
    ${depfile_arg}
    COMMENT "berth: generating ${base}.h and ${base}.c"
    VERBATIM)

  set(${name}_OUTPUTS "${header}" "${source}" "${stamp}" PARENT_SCOPE)
  set(${name}_HEADER "${header}" PARENT_SCOPE)
  set(${name}_SOURCE "${source}" PARENT_SCOPE)
  set(${name}_INCLUDE_DIR "${outdir}" PARENT_SCOPE)
endfunction()
