# Installation (`cmake --install`) and the Debian package (`cpack --preset release`):
# the binary, the man page archive-lint(1) and the bash, zsh and fish completions
# (generated at build time from the CLI definition and the rule registry by
# archive-lint-docgen), and the documentation.
include(GNUInstallDirs)

add_executable(archive-lint-docgen tools/docgen.cpp)
target_compile_options(archive-lint-docgen PRIVATE ${ARCHIVE_LINT_WARNINGS})
target_link_libraries(archive-lint-docgen PRIVATE archive_lint_core)

set(ARCHIVE_LINT_GENERATED ${CMAKE_BINARY_DIR}/share)
set(ARCHIVE_LINT_MAN_PAGE ${ARCHIVE_LINT_GENERATED}/man/archive-lint.1)
set(ARCHIVE_LINT_BASH_COMPLETION ${ARCHIVE_LINT_GENERATED}/bash-completion/archive-lint)
set(ARCHIVE_LINT_ZSH_COMPLETION ${ARCHIVE_LINT_GENERATED}/zsh/_archive-lint)
set(ARCHIVE_LINT_FISH_COMPLETION ${ARCHIVE_LINT_GENERATED}/fish/archive-lint.fish)
find_program(GZIP_EXECUTABLE gzip REQUIRED)
# -n: no name or time stamp in the header, so the package is reproducible.
add_custom_command(OUTPUT ${ARCHIVE_LINT_MAN_PAGE} ${ARCHIVE_LINT_MAN_PAGE}.gz
  COMMAND archive-lint-docgen man ${ARCHIVE_LINT_MAN_PAGE}
  COMMAND ${GZIP_EXECUTABLE} -9nkf ${ARCHIVE_LINT_MAN_PAGE}
  DEPENDS archive-lint-docgen
  COMMENT "Generating the man page archive-lint(1)" VERBATIM)
foreach(shell bash zsh fish)
  string(TOUPPER ${shell} SHELL)
  add_custom_command(OUTPUT ${ARCHIVE_LINT_${SHELL}_COMPLETION}
    COMMAND archive-lint-docgen ${shell} ${ARCHIVE_LINT_${SHELL}_COMPLETION}
    DEPENDS archive-lint-docgen
    COMMENT "Generating the ${shell} completion" VERBATIM)
endforeach()
add_custom_target(archive-lint-docs ALL DEPENDS ${ARCHIVE_LINT_MAN_PAGE}.gz
  ${ARCHIVE_LINT_BASH_COMPLETION} ${ARCHIVE_LINT_ZSH_COMPLETION} ${ARCHIVE_LINT_FISH_COMPLETION})

set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
  OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(TARGETS archive-lint RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${ARCHIVE_LINT_MAN_PAGE}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${ARCHIVE_LINT_BASH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
# The Debian package moves this to zsh/vendor-completions (cmake/deb-layout.cmake).
install(FILES ${ARCHIVE_LINT_ZSH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
install(FILES ${ARCHIVE_LINT_FISH_COMPLETION} DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES README.md packaging/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package.
set(ARCHIVE_LINT_MAINTAINER "archive-lint maintainers <maintainers@users.noreply.r-seed-32d1be2a.example>"
  CACHE STRING "The Debian package's Maintainer")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME archive-lint)
set(CPACK_PACKAGE_VENDOR archive-lint)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${ARCHIVE_LINT_MAINTAINER}")
set(CPACK_PACKAGE_HOMEPAGE_URL https://github.com/archive-lint/archive-lint)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "linter and link checker for archives of Jekyll posts")
set(CPACK_PACKAGE_DESCRIPTION
"archive-lint checks an archive of Jekyll-style posts: YAML front matter,
Markdown-aware HTML, the attribution of reposted articles and the
reachability of links. It reports gcc-style text, JSON, or SARIF 2.1.0
for GitHub code scanning, and runs as a pre-commit hook, as a CI gate on
pull requests, and as a nightly dead-link report.")
set(CPACK_STRIP_FILES TRUE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ARCHIVE_LINT_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the shared libraries the binary links (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libcurl is dlopen'ed when links are checked (src/links/curl_library.cpp), so
# shlibdeps cannot see it; --offline runs need none.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libcurl4 | libcurl3-gnutls")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_PRE_BUILD_SCRIPTS ${CMAKE_SOURCE_DIR}/cmake/deb-layout.cmake)
set(CPACK_ARCHIVE_LINT_DEBIAN_CHANGELOG ${CMAKE_SOURCE_DIR}/packaging/changelog)
# Every release needs its changelog entry: the newest must name this version.
file(STRINGS ${CPACK_ARCHIVE_LINT_DEBIAN_CHANGELOG} _changelog_top LIMIT_COUNT 1)
if(NOT _changelog_top MATCHES "^archive-lint \\(${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}\\) ")
  message(FATAL_ERROR "packaging/changelog starts with '${_changelog_top}', not an entry for "
                      "${PROJECT_VERSION}-${CPACK_DEBIAN_PACKAGE_RELEASE}: add one")
endif()
include(CPack)

# tests/cli_docs_test.cpp compares the generated files with the definition.
if(TARGET archive-lint-tests)
  target_compile_definitions(archive-lint-tests PRIVATE ARCHIVE_LINT_GENERATED_DIR="${ARCHIVE_LINT_GENERATED}")
  add_dependencies(archive-lint-tests archive-lint-docs)
endif()
