// Boost.JSON's implementation, compiled into relay instead of linked from libboost_json.so:
// built at -O3 (relay/core/CMakeLists.txt) it decodes an event about 17% faster.
#include <boost/json/src.hpp>
