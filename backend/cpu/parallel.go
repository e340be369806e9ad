package cpu

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// The kernels' parallel loops run on a small pool of worker goroutines. Like OpenMP's threads,
// a worker that finishes spins for a while before it parks, so the back-to-back parallel loops
// of a training step hand work over at once instead of waking a sleeping thread each time
// (tens of microseconds on virtual machines, as long as a small kernel itself).

// spinFor is how long an idle worker keeps looking for work before it parks.
const spinFor = 300 * time.Microsecond

type poolTask struct {
	fn   func(w int)
	w    int
	done *atomic.Int32
}

type poolWorker struct {
	task   atomic.Pointer[poolTask]
	parked atomic.Bool
	wake   chan struct{} // one token: "look for a task"
}

var workerPool struct {
	mu      sync.Mutex // one parallel loop at a time uses the pool
	workers []*poolWorker
}

// parallelFor runs fn(0), …, fn(n−1) concurrently — fn(0) on the calling goroutine — and
// returns when all have returned.
func parallelFor(n int, fn func(w int)) {
	if n <= 1 {
		if n == 1 {
			fn(0)
		}
		return
	}
	if !workerPool.mu.TryLock() {
		// Another goroutine's loop holds the pool: use fresh goroutines.
		var wg sync.WaitGroup
		for w := 1; w < n; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				fn(w)
			}()
		}
		fn(0)
		wg.Wait()
		return
	}
	defer workerPool.mu.Unlock()
	for len(workerPool.workers) < n-1 {
		pw := &poolWorker{wake: make(chan struct{}, 1)}
		workerPool.workers = append(workerPool.workers, pw)
		go pw.loop()
	}
	var done atomic.Int32
	for w := 1; w < n; w++ {
		pw := workerPool.workers[w-1]
		pw.task.Store(&poolTask{fn: fn, w: w, done: &done})
		// A worker sets parked before its last look for a task, so either it sees this task
		// or this sees it parked and wakes it.
		if pw.parked.Load() {
			select {
			case pw.wake <- struct{}{}:
			default:
			}
		}
	}
	fn(0)
	for done.Load() < int32(n-1) {
		runtime.Gosched()
	}
}

func (pw *poolWorker) loop() {
	for {
		if t := pw.task.Swap(nil); t != nil {
			t.fn(t.w)
			t.done.Add(1)
			continue
		}
		// Spin, then park.
		found := false
		for start, i := time.Now(), 0; ; i++ {
			if pw.task.Load() != nil {
				found = true
				break
			}
			if i%64 == 63 {
				if time.Since(start) > spinFor {
					break
				}
				runtime.Gosched()
			}
		}
		if found {
			continue
		}
		pw.parked.Store(true)
		if pw.task.Load() == nil {
			<-pw.wake
		}
		pw.parked.Store(false)
	}
}
