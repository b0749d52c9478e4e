#pragma once
// Storage that starts on a cache line (64 bytes). The engine's kernels load whole vector registers
// at offsets that are multiples of 32 bytes from the start of their buffers; on malloc's 16-byte
// alignment half of those loads straddle two cache lines, and a split load costs the load ports
// twice. Aligned, the ResNet-18 CIFAR-10 bench took 0.88 of the time per image with the packed
// conductance blocks alone and 0.85 with every buffer here (docs/performance.md, fifth round).

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

namespace cimsim::util {

constexpr std::size_t kCacheLine = 64;

inline void* cache_line_new(std::size_t bytes) { return ::operator new(bytes, std::align_val_t{kCacheLine}); }
inline void cache_line_delete(void* p) noexcept { ::operator delete(p, std::align_val_t{kCacheLine}); }

// For std::vector: value-initialises as usual, on a cache line.
template <class T>
struct CacheLineAllocator {
  using value_type = T;
  CacheLineAllocator() = default;
  template <class U>
  CacheLineAllocator(const CacheLineAllocator<U>&) noexcept {}
  T* allocate(std::size_t n) { return static_cast<T*>(cache_line_new(n * sizeof(T))); }
  void deallocate(T* p, std::size_t) noexcept { cache_line_delete(p); }
  template <class U>
  bool operator==(const CacheLineAllocator<U>&) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const CacheLineAllocator<U>&) const noexcept {
    return false;
  }
};

template <class T>
using CacheLineVector = std::vector<T, CacheLineAllocator<T>>;

// An array of n floats, doubles, … on a cache line, left uninitialised (working memory written
// whole before it is read: zeroing a fresh allocation costs its pages).
struct CacheLineDelete {
  void operator()(void* p) const noexcept { cache_line_delete(p); }
};
template <class T>
using CacheLineArray = std::unique_ptr<T[], CacheLineDelete>;

template <class T>
CacheLineArray<T> cache_line_array(std::size_t n) {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);
  return CacheLineArray<T>(static_cast<T*>(cache_line_new(n * sizeof(T))));
}

// n rounded up to whole cache lines of T: the stride of ranges laid one after another that should
// each start on a line.
template <class T>
constexpr std::size_t cache_line_stride(std::size_t n) {
  constexpr std::size_t per_line = kCacheLine / sizeof(T);
  return (n + per_line - 1) / per_line * per_line;
}

}  // namespace cimsim::util
