# Writes authbridgeConfigVersion.cmake with CMake's own helper:
#   cmake -DVERSION=0.1.0 -DOUTPUT=.../authbridgeConfigVersion.cmake -P write-version-file.cmake
# Before 1.0 a new minor version may break the ABI (the same rule as the SONAME, see
# ffi-c/build.rs), so a request is met only by the same minor version; from 1.0 on, by the same
# major version.
include(CMakePackageConfigHelpers)
if(VERSION VERSION_LESS 1.0)
  set(compatibility SameMinorVersion)
else()
  set(compatibility SameMajorVersion)
endif()
# Script mode knows no target; the library is built for 64-bit x86 only.
set(CMAKE_SIZEOF_VOID_P 8)
write_basic_package_version_file("${OUTPUT}" VERSION "${VERSION}" COMPATIBILITY ${compatibility})
