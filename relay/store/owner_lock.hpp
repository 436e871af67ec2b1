#pragma once
// The claim of one process to serve from an outbox file: an exclusive lock on PATH.lock,
// held while the object lives and released by the kernel when the process dies (kill -9
// included). Only the owner may treat the leases it finds as its own dead process's.
#include <string>

namespace relay::store {

class OwnerLock {
 public:
  // Throws StoreError when another process (or another OwnerLock) holds it.
  explicit OwnerLock(const std::string& outbox_path);
  ~OwnerLock();
  OwnerLock(const OwnerLock&) = delete;
  OwnerLock& operator=(const OwnerLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace relay::store
