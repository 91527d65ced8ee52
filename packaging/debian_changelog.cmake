# cmake -DMETAINFO=FILE -DVERSION=X -DMAINTAINER="NAME <MAIL>" -DOUT=FILE -P debian_changelog.cmake
# Writes the package's Debian changelog from the AppStream metainfo's <release> entries, so the
# release history is kept in one place, and fails when the newest release is not VERSION (a
# version bump must add its release notes).
file(READ "${METAINFO}" xml)
string(REGEX MATCHALL "<release version=\"[^\"]+\" date=\"[0-9-]+\"" releases "${xml}")
if(NOT releases)
    message(FATAL_ERROR "${METAINFO}: no <release version=\"...\" date=\"...\"> entry")
endif()
set(text "")
set(first TRUE)
foreach(release IN LISTS releases)
    string(REGEX REPLACE ".*version=\"([^\"]+)\".*" "\\1" version "${release}")
    string(REGEX REPLACE ".*date=\"([0-9-]+)\".*" "\\1" date "${release}")
    if(first AND NOT version STREQUAL VERSION)
        message(FATAL_ERROR "${METAINFO}: the newest release is ${version}, the project is "
                            "${VERSION}: add a <release version=\"${VERSION}\"> entry")
    endif()
    set(first FALSE)
    # The notes: the first paragraph of this release's description.
    string(FIND "${xml}" "${release}" at)
    string(SUBSTRING "${xml}" ${at} -1 rest)
    string(FIND "${rest}" "</release>" end)
    string(SUBSTRING "${rest}" 0 ${end} body)
    set(note "Release ${version}.")
    if(body MATCHES "<p>[ \n\t]*([^<]*[^< \n\t])[ \n\t]*</p>")
        string(REGEX REPLACE "[ \n\t]+" " " note "${CMAKE_MATCH_1}")
    endif()
    execute_process(COMMAND date -R -u -d "${date}" OUTPUT_VARIABLE stamp
                    OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
    string(APPEND text "quantscope (${version}) unstable; urgency=medium\n\n  * ${note}\n\n"
                       " -- ${MAINTAINER}  ${stamp}\n\n")
endforeach()
string(STRIP "${text}" text)
file(WRITE "${OUT}" "${text}\n")
