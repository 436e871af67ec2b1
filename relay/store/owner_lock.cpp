#include "relay/store/owner_lock.hpp"

#include "relay/store/outbox.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace relay::store {

OwnerLock::OwnerLock(const std::string& outbox_path) {
  const std::string path = outbox_path + ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd_ < 0) throw StoreError("cannot open " + path + ": " + std::strerror(errno));
  // flock, not fcntl: it belongs to this descriptor, so a second OwnerLock in this process
  // conflicts too (fcntl locks are per process).
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int error = errno;
    ::close(fd_);
    if (error == EWOULDBLOCK)
      throw StoreError("the outbox " + outbox_path + " is in use by another relay serve (it holds " + path + ")");
    throw StoreError("cannot lock " + path + ": " + std::strerror(error));
  }
}

OwnerLock::~OwnerLock() { ::close(fd_); }

}  // namespace relay::store
