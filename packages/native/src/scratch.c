/*
 * Per-thread scratch buffers: grown on demand, kept for the thread's life (the next call of any size up to the
 * largest so far reuses them, without asking the system for fresh pages), freed when the thread exits.
 */
#include <pthread.h>
#include <stdlib.h>

#include "kindling.h"

typedef struct {
  void *data[KD_SCRATCH_SLOTS];
  size_t size[KD_SCRATCH_SLOTS];
} scratch_set;

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static int scratch_key_ok = 0;

static void scratch_free(void *p) {
  scratch_set *s = p;
  for (int i = 0; i < KD_SCRATCH_SLOTS; i++) free(s->data[i]);
  free(s);
}

static void scratch_init(void) { scratch_key_ok = pthread_key_create(&scratch_key, scratch_free) == 0; }

void *kd_thread_scratch(kd_scratch_slot slot, size_t bytes) {
  pthread_once(&scratch_once, scratch_init);
  if (!scratch_key_ok) return NULL;
  scratch_set *s = pthread_getspecific(scratch_key);
  if (s == NULL) {
    s = calloc(1, sizeof *s);
    if (s == NULL || pthread_setspecific(scratch_key, s) != 0) {
      free(s);
      return NULL;
    }
  }
  if (bytes == 0) bytes = 1; /* a buffer all the same: NULL means failure */
  if (s->size[slot] < bytes) {
    size_t want = (bytes + bytes / 4 + 4095) & ~(size_t)4095; /* some headroom: neighbouring shapes reuse it */
    free(s->data[slot]);
    s->data[slot] = aligned_alloc(64, want);
    s->size[slot] = s->data[slot] != NULL ? want : 0;
  }
  return s->data[slot];
}
