// Package tune searches hyperparameters, like Optuna: a search space of Float, Int and
// Choice parameters, samplers (Grid, Random, and TPE, Optuna's default), pruners that stop
// unpromising trials early (MedianPruner, SuccessiveHalving), trials run in parallel on
// goroutines, and a JSONL journal that lets an interrupted study resume.
//
//	study := &tune.Study{
//		Space:     []tune.Param{tune.Float("lr", 1e-4, 1e-1, tune.Log()), tune.Int("layers", 1, 4)},
//		Direction: tune.Maximize,
//		Pruner:    tune.MedianPruner{},
//		Seed:      1,
//	}
//	err := study.Optimize(func(t *tune.Trial) (float64, error) {
//		… build a model from t.Float("lr"), t.Int("layers"), seeded with t.Seed();
//		for epoch := range epochs {
//			… train one epoch, then:
//			t.Report(epoch, valAccuracy)
//			if t.ShouldPrune() {
//				return 0, tune.ErrPruned
//			}
//		}
//		return valAccuracy, nil
//	}, 50)
//
// Rules:
//
//   - Settings are struct fields; a zero field takes the default its doc gives (Optuna's).
//   - Reproducibility: trial n's random numbers come from a generator seeded from (Study.Seed,
//     n), and Trial.Seed gives the objective a seed of its own. With the Random and Grid
//     samplers a trial's parameters depend only on (seed, n), so any Parallel gives the same
//     trials. TPE and the pruners look at the trials finished so far, so with Parallel > 1
//     their decisions depend on timing; with Parallel 1 a study is repeatable.
//   - Threads: trials run on Parallel goroutines, which the Go runtime spreads over
//     GOMAXPROCS OS threads. Ember's CPU kernels split large products over cpu.Threads()
//     goroutines, a process-wide setting: when Parallel > 1 (or Threads is set) Optimize sets it
//     to Study.Threads (default GOMAXPROCS/Parallel, at least 1) so that Parallel·Threads ≈
//     GOMAXPROCS, and restores it when it returns. Other code in the process sees the same
//     setting meanwhile. Results do not depend on it where the kernels' sums do not.
//   - Trials end Complete (the objective returned a value), Pruned (it returned ErrPruned)
//     or Failed (another error, NaN, or a panic, which is recovered and recorded). A failed
//     trial does not stop the study; Optimize returns an error only for bad settings,
//     journal trouble, or when every trial it ran failed. An objective that returns an error
//     wrapping context.Canceled or context.DeadlineExceeded interrupts the study: that trial
//     is not recorded (a rerun runs it again), no new trial starts, and Optimize returns the
//     error once the running trials end.
//   - The journal (Study.Journal) is a JSONL file: a header line with the direction, seed
//     and space, then one line per finished trial, appended with one write and an fsync.
//     Optimize resumes from it, running only the trial numbers it lacks, and refuses a
//     journal written for another direction, seed or space. A crash loses only the trials
//     that were running; a torn last line (cut short before its newline) is cut off with a
//     note in Study.Notes, and any other unreadable line is an error. One process at a time may use a journal.
//   - Programmer errors panic: asking a Trial for a parameter the space does not have.
//     Bad settings and bad input (an empty range, a log range through zero, a corrupt
//     journal) are errors that name the parameter or the line.
//
// ParseSpace reads a space from command-line specs ("1e-4:1e-1:log", "1:4", "8,16,32").
package tune
