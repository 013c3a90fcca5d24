/* parallel-glib.c — One CPU-bound job, the Mandelbrot set, split over 1, 2,
 * … N threads (N: the processors the system reports), each count timed a
 * few times; prints the speed-up, how many cores were busy, and what
 * Amdahl's law would make of the shortfall. The answer must not depend on
 * the number of threads. No lock: each thread takes the next row from a
 * shared atomic counter and keeps its own sum, which join hands back.
 *
 * Build: gcc parallel-glib.c -o parallel $(pkg-config --cflags --libs gio-2.0) -pthread
 */

#include <glib.h>
#include <time.h>

#define WIDTH 800
#define HEIGHT 500
#define MAX_ITERATIONS 1000
#define MAX_THREADS 16
#define ROUNDS 3            /* the best of a few: the machine is busy */

/* What the threads share: the next row nobody has taken yet. */
typedef struct
{
  int next_row;             /* atomic */
} Job;

/* One thread's own: its share of the answer and the processor time it got. */
typedef struct
{
  Job *job;
  guint64 iterations;
  double cpu_s;
} Worker;

static guint
escape_time (double cx, double cy)
{
  double x = 0, y = 0;
  guint n = 0;

  while (n < MAX_ITERATIONS && x * x + y * y <= 4)
    {
      double t = x * x - y * y + cx;

      y = 2 * x * y + cy;
      x = t;
      n++;
    }
  return n;
}

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static gpointer
worker_thread (gpointer data)
{
  Worker *worker = data;
  double cpu = thread_cpu_seconds ();
  int row;

  while ((row = g_atomic_int_add (&worker->job->next_row, 1)) < HEIGHT)
    for (int col = 0; col < WIDTH; col++)
      worker->iterations += escape_time (-2.2 + 3.2 * col / WIDTH,
                                         -1.2 + 2.4 * row / HEIGHT);
  worker->cpu_s = thread_cpu_seconds () - cpu;
  return NULL;
}

/* The whole job on @n threads: its answer, wall time and processor time. */
static guint64
render (guint n, double *wall_s, double *cpu_s)
{
  Job job = { 0 };
  Worker workers[MAX_THREADS] = { 0 };
  GThread *threads[MAX_THREADS];
  gint64 start = g_get_monotonic_time ();
  guint64 total = 0;

  for (guint i = 0; i < n; i++)
    {
      workers[i].job = &job;
      threads[i] = g_thread_new ("render", worker_thread, &workers[i]);
    }
  *cpu_s = 0;
  for (guint i = 0; i < n; i++)
    {
      g_thread_join (threads[i]);    /* after this, workers[i] is ours */
      total += workers[i].iterations;
      *cpu_s += workers[i].cpu_s;
    }
  *wall_s = (g_get_monotonic_time () - start) / 1e6;
  return total;
}

int
main (void)
{
  guint n_max = CLAMP (g_get_num_processors (), 1, MAX_THREADS);
  double best_s[MAX_THREADS + 1], busy[MAX_THREADS + 1];
  guint64 answer[MAX_THREADS + 1];
  gboolean same = TRUE;

  g_print ("%u processors\n", g_get_num_processors ());
  for (guint n = 1; n <= n_max; n++)
    best_s[n] = G_MAXDOUBLE;

  /* The thread counts take turns, so a busy moment hits them all alike. */
  for (guint round = 0; round < ROUNDS; round++)
    for (guint n = 1; n <= n_max; n++)
      {
        double wall_s, cpu_s;

        answer[n] = render (n, &wall_s, &cpu_s);
        if (wall_s < best_s[n])
          {
            best_s[n] = wall_s;
            busy[n] = cpu_s / wall_s;
          }
        same = same && answer[n] == answer[1];
      }

  for (guint n = 1; n <= n_max; n++)
    g_print ("%u thread%s: %.0f ms, speed-up %.2fx, %.2f cores busy, answer %" G_GUINT64_FORMAT "\n",
             n, n == 1 ? "" : "s", best_s[n] * 1000, best_s[1] / best_s[n],
             busy[n], answer[n]);
  g_print ("same answer with every number of threads: %s\n", same ? "yes" : "no");

  /* Amdahl's law turned around (the Karp–Flatt metric): the serial share f
   * that alone would explain a speed-up S on p threads. Only a model: two
   * hyperthreads share a core, the clock slows when every core is busy,
   * and threads share the memory bus; none of that is a serial part. */
  if (n_max >= 2)
    {
      double s = best_s[1] / best_s[n_max], p = n_max;
      double f = CLAMP ((1 / s - 1 / p) / (1 - 1 / p), 0, 1);

      g_print ("measured speed-up %.2fx on %u threads; Amdahl's law would "
               "explain that with a serial share of %.0f %%, but shared cores, "
               "clock changes and memory bandwidth lower it too\n",
               s, n_max, 100 * f);
    }
  return 0;
}
