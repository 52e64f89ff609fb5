# CPACK_PRE_BUILD_SCRIPTS for the Debian package: runs on the staged files
# before they are packed (and before md5sums and shlibdeps).
#  - zsh: Debian's zsh reads packaged completions from vendor-completions, while
#    `cmake --install` puts them in site-functions (zsh's default fpath entry
#    for /usr/local and other prefixes).
#  - /usr/share/doc/archive-lint/changelog.Debian.gz, as Debian policy (12.7)
#    and lintian want it: compressed with gzip -9n.
foreach(root IN LISTS CPACK_TEMPORARY_INSTALL_DIRECTORY)
  set(usr "${root}${CPACK_PACKAGING_INSTALL_PREFIX}")
  if(NOT EXISTS "${usr}/bin/archive-lint")
    message(FATAL_ERROR "deb-layout: no ${usr}/bin/archive-lint in the staging directory")
  endif()
  set(site "${usr}/share/zsh/site-functions")
  if(EXISTS "${site}/_archive-lint")
    file(MAKE_DIRECTORY "${usr}/share/zsh/vendor-completions")
    file(RENAME "${site}/_archive-lint" "${usr}/share/zsh/vendor-completions/_archive-lint")
    file(GLOB left "${site}/*")
    if(NOT left)
      file(REMOVE_RECURSE "${site}")
    endif()
  endif()
  execute_process(
    COMMAND gzip -9n -c "${CPACK_ARCHIVE_LINT_DEBIAN_CHANGELOG}"
    OUTPUT_FILE "${usr}/share/doc/archive-lint/changelog.Debian.gz"
    COMMAND_ERROR_IS_FATAL ANY)
endforeach()
