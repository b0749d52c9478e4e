#pragma once
// The engine's processes as C++20 stackless coroutines, each driven by a SystemC method process.
//
// A SystemC thread owns a stack of its own; making and ending thousands of them per run (one per
// station path, sender and buffer stream) cost more than simulating. A method process has no
// stack: here its body resumes a coroutine, whose frame holds the process's state between
// activations. Waiting on an event or a time arms the method's next trigger (next_trigger) and
// suspends the coroutine; the next activation resumes it where it stopped; a finished coroutine
// arms nothing, so its method never runs again. Waiting functions that call other waiting
// functions are Tasks: coroutines that resume their caller when they finish (symmetric
// transfer), so a process is a chain of frames and resumes at the innermost one.
//
// The kernel sees the same sequence of event notifications, timed notifications and wake-ups as it
// did with threads (docs/timing.md, "How processes run"), so runs stay bit-identical.

#ifndef SC_INCLUDE_DYNAMIC_PROCESSES
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn
#endif
#include <systemc>

#include <coroutine>
#include <exception>
#include <optional>
#include <utility>
#include <vector>

namespace cimsim::engine {

// Where a process resumes next: the innermost coroutine of its chain that is suspended.
struct ProcessState {
  std::coroutine_handle<> resume_point;
};

// The process whose method is running (set around each resumption).
inline ProcessState*& running_process() {
  static ProcessState* p = nullptr;
  return p;
}

// A suspension of the running process until an event is notified or a time has passed; a
// default-constructed Wait does not suspend at all.
class [[nodiscard]] Wait {
 public:
  Wait() = default;
  explicit Wait(const sc_core::sc_event& e) : event_(&e) {}
  explicit Wait(const sc_core::sc_time& delay) : delay_(delay), timed_(true) {}

  bool await_ready() const noexcept { return event_ == nullptr && !timed_; }
  void await_suspend(std::coroutine_handle<> h) const {
    running_process()->resume_point = h;
    if (event_ != nullptr) sc_core::next_trigger(*event_);
    else sc_core::next_trigger(delay_);
  }
  void await_resume() const noexcept {}

 private:
  const sc_core::sc_event* event_ = nullptr;
  sc_core::sc_time delay_;
  bool timed_ = false;
};

// The outermost coroutine of a process. It starts suspended; its method's first activation (at
// initialization, as the threads' first run was) starts it. Its frame lives until the Process is
// destroyed, finished or not.
class Process {
 public:
  struct promise_type {
    Process get_return_object() { return Process(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    std::suspend_always final_suspend() noexcept { return {}; }
    void return_void() noexcept {}
    // An exception leaves through the method's body, where SystemC reports it as a thread's would.
    void unhandled_exception() { throw; }
  };

  Process(Process&& o) noexcept : handle_(std::exchange(o.handle_, {})) {}
  Process& operator=(Process&&) = delete;
  ~Process() {
    if (handle_) handle_.destroy();
  }
  std::coroutine_handle<> handle() const { return handle_; }

 private:
  explicit Process(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

namespace detail {

// Frames of Tasks, kept for reuse: a station awaits three Tasks per vector, and each frame went to
// malloc and back (VGG-16: millions per run). Per thread, one free list per 64-byte size class;
// what a thread keeps is at most the frames its processes held at once, freed when it exits.
class FramePool {
 public:
  static void* take(std::size_t bytes) {
    const std::size_t c = size_class(bytes);
    if (c >= kClasses) return ::operator new(bytes);
    auto& list = lists().free[c];
    if (list.empty()) return ::operator new(c * kGranule);
    void* p = list.back();
    list.pop_back();
    return p;
  }
  static void give(void* p, std::size_t bytes) noexcept {
    const std::size_t c = size_class(bytes);
    if (c >= kClasses) return ::operator delete(p);
    auto& list = lists().free[c];
    try {
      list.push_back(p);
    } catch (...) {
      ::operator delete(p);
    }
  }

 private:
  static constexpr std::size_t kGranule = 64, kClasses = 32;
  static std::size_t size_class(std::size_t bytes) { return (bytes + kGranule - 1) / kGranule; }
  struct Lists {
    std::vector<void*> free[kClasses];
    ~Lists() {
      for (auto& list : free)
        for (void* p : list) ::operator delete(p);
    }
  };
  static Lists& lists() {
    thread_local Lists l;
    return l;
  }
};

template <class Promise>
struct ResumeCaller {
  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<Promise> h) const noexcept {
    return h.promise().caller;
  }
  void await_resume() const noexcept {}
};

template <class T>
struct TaskResult {
  std::optional<T> value;
  void return_value(T v) { value = std::move(v); }
  T take() { return std::move(*value); }
};

template <>
struct TaskResult<void> {
  void return_void() noexcept {}
  void take() {}
};

}  // namespace detail

// A waiting function called from a process (or another Task) with co_await: it runs at once on
// the caller's behalf and resumes the caller when it returns.
template <class T = void>
class [[nodiscard]] Task {
 public:
  struct promise_type : detail::TaskResult<T> {
    std::coroutine_handle<> caller;
    static void* operator new(std::size_t bytes) { return detail::FramePool::take(bytes); }
    static void operator delete(void* p, std::size_t bytes) noexcept { detail::FramePool::give(p, bytes); }
    Task get_return_object() { return Task(std::coroutine_handle<promise_type>::from_promise(*this)); }
    std::suspend_always initial_suspend() noexcept { return {}; }
    detail::ResumeCaller<promise_type> final_suspend() noexcept { return {}; }
    void unhandled_exception() { throw; }
  };

  Task(Task&& o) noexcept : handle_(std::exchange(o.handle_, {})) {}
  Task& operator=(Task&&) = delete;
  ~Task() {
    if (handle_) handle_.destroy();
  }

  bool await_ready() const noexcept { return false; }
  std::coroutine_handle<> await_suspend(std::coroutine_handle<> caller) noexcept {
    handle_.promise().caller = caller;
    return handle_;
  }
  T await_resume() { return handle_.promise().take(); }

 private:
  explicit Task(std::coroutine_handle<promise_type> h) : handle_(h) {}
  std::coroutine_handle<promise_type> handle_;
};

}  // namespace cimsim::engine
