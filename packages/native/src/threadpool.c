/*
 * One persistent pool of worker threads, fork-join per parallel loop. Chunks are claimed with an atomic counter;
 * the caller works too and then waits for the workers' count of finished chunks. Workers sleep on a condition
 * variable between loops, after a short spin (back-to-back kernels of one training step find them awake).
 */
#define _GNU_SOURCE
#include "kindling.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#define MAX_THREADS 256
/*
 * How long an idle worker spins before it sleeps. A training step runs a parallel kernel every few hundred
 * microseconds with JavaScript in between; waking a sleeping worker costs tens of microseconds (more in a VM),
 * which made small two-thread products slower than one-thread ones. But a spinning worker holds a core that V8's
 * garbage-collection threads want: with 2 ms of spin, a 256x256 product on two threads ran at a third of its
 * one-thread speed once the collector was busy (a benchmark run after others); 200 us keeps back-to-back kernels
 * awake and leaves the core to the collector soon enough.
 */
#define SPIN_NS 200000LL

static pthread_mutex_t run_lock = PTHREAD_MUTEX_INITIALIZER; /* held by the one caller running a loop */
static pthread_mutex_t wake_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake_cond = PTHREAD_COND_INITIALIZER;

static int num_threads = 0; /* 0: not yet read from the system */
static int num_workers = 0; /* started so far; they never exit */

/* The loop being run. */
static kd_range_fn job_fn;
static void *job_ctx;
static int64_t job_n, job_chunks;
static atomic_llong next_chunk;
static atomic_llong chunks_done;
static atomic_ullong generation;
static atomic_int workers_wanted; /* workers that take part in the current loop */

static _Thread_local int inside_chunk = 0;

static int system_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  return (int)n;
}

int kd_get_num_threads(void) {
  if (num_threads == 0) num_threads = system_threads();
  return num_threads;
}

void kd_set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > MAX_THREADS) n = MAX_THREADS;
  pthread_mutex_lock(&run_lock);
  num_threads = n;
  pthread_mutex_unlock(&run_lock);
}

int64_t kd_parallel_chunks(int64_t n, int64_t grain) {
  if (n <= 0) return 0;
  if (grain < 1) grain = 1;
  int64_t by_grain = (n + grain - 1) / grain;
  int64_t threads = kd_get_num_threads();
  return by_grain < threads ? by_grain : threads;
}

static void run_chunk(int64_t c) {
  int64_t begin = job_n * c / job_chunks;
  int64_t end = job_n * (c + 1) / job_chunks;
  inside_chunk = 1;
  job_fn(job_ctx, begin, end);
  inside_chunk = 0;
}

static void work_on_current_job(void) {
  for (;;) {
    int64_t c = atomic_fetch_add(&next_chunk, 1);
    if (c >= job_chunks) break;
    run_chunk(c);
    atomic_fetch_add(&chunks_done, 1);
  }
}

static void *worker_main(void *arg) {
  int index = (int)(intptr_t)arg;
  unsigned long long seen = atomic_load(&generation);
  for (;;) {
    long long deadline = now_ns() + SPIN_NS;
    for (unsigned spins = 1; atomic_load(&generation) == seen; spins++) {
      CPU_RELAX();
      if ((spins & 255) == 0 && now_ns() > deadline) break;
    }
    if (atomic_load(&generation) == seen) {
      pthread_mutex_lock(&wake_lock);
      while (atomic_load(&generation) == seen) pthread_cond_wait(&wake_cond, &wake_lock);
      pthread_mutex_unlock(&wake_lock);
    }
    seen = atomic_load(&generation);
    if (index < atomic_load(&workers_wanted)) work_on_current_job();
  }
  return NULL;
}

static void ensure_workers(int wanted) {
  while (num_workers < wanted) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, worker_main, (void *)(intptr_t)num_workers) != 0) {
      pthread_attr_destroy(&attr);
      break;
    }
    pthread_attr_destroy(&attr);
    num_workers++;
  }
}

static void run_serially(int64_t n, int64_t chunks, kd_range_fn fn, void *ctx) {
  int saved = inside_chunk;
  inside_chunk = 1;
  for (int64_t c = 0; c < chunks; c++) fn(ctx, n * c / chunks, n * (c + 1) / chunks);
  inside_chunk = saved;
}

/* Runs fn over [0, n) as `chunks` contiguous chunks, claimed in order by whichever thread is free. */
static void parallel_run(int64_t n, int64_t chunks, kd_range_fn fn, void *ctx) {
  if (chunks == 0) return;
  if (chunks == 1 || inside_chunk || pthread_mutex_trylock(&run_lock) != 0) {
    run_serially(n, chunks, fn, ctx);
    return;
  }
  int helpers = (int)(chunks - 1 < kd_get_num_threads() - 1 ? chunks - 1 : kd_get_num_threads() - 1);
  ensure_workers(helpers);
  if (helpers > num_workers) helpers = num_workers;
  job_fn = fn;
  job_ctx = ctx;
  job_n = n;
  job_chunks = chunks;
  atomic_store(&chunks_done, 0);
  atomic_store(&next_chunk, 0);
  atomic_store(&workers_wanted, helpers);
  pthread_mutex_lock(&wake_lock);
  atomic_fetch_add(&generation, 1);
  pthread_cond_broadcast(&wake_cond);
  pthread_mutex_unlock(&wake_lock);

  for (;;) {
    int64_t c = atomic_fetch_add(&next_chunk, 1);
    if (c >= chunks) break;
    run_chunk(c);
    atomic_fetch_add(&chunks_done, 1);
  }
  while (atomic_load(&chunks_done) < chunks) sched_yield();
  pthread_mutex_unlock(&run_lock);
}

void kd_parallel_for(int64_t n, int64_t grain, kd_range_fn fn, void *ctx) {
  parallel_run(n, kd_parallel_chunks(n, grain), fn, ctx);
}

void kd_parallel_for_each(int64_t n, kd_range_fn fn, void *ctx) { parallel_run(n, n > 0 ? n : 0, fn, ctx); }
