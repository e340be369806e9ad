package tensor

import (
	"sync"
	"sync/atomic"
)

// Grad mode is per goroutine, as PyTorch's is per thread: NoGrad in one goroutine never
// changes what another goroutine records. Go has no goroutine-local storage, so the modes of
// goroutines inside a NoGrad or EnableGrad scope live in a table keyed by the goroutine's
// identity (see goroutineID); while no goroutine is inside a scope, the check is one atomic
// load. Ops that compute internally without history (Softmax, dtype promotion, …) do not use
// this table at all: they work on tensors that do not require grad.

// gradScopes counts goroutines currently inside a NoGrad or EnableGrad scope.
var gradScopes atomic.Int32

const gradShards = 32

// gradModes maps a goroutine's identity to its grad mode while it is inside a scope.
var gradModes [gradShards]struct {
	mu    sync.Mutex
	modes map[uintptr]bool
	_     [40]byte // keeps shards on separate cache lines
}

func gradShard(id uintptr) int { return int((id >> 6) % gradShards) }

// GradEnabled reports whether ops called from this goroutine record autograd history.
func GradEnabled() bool {
	if gradScopes.Load() == 0 {
		return true
	}
	enabled, _ := lookupGradMode(goroutineID())
	return enabled
}

func lookupGradMode(id uintptr) (enabled, inScope bool) {
	s := &gradModes[gradShard(id)]
	s.mu.Lock()
	enabled, inScope = s.modes[id]
	s.mu.Unlock()
	if !inScope {
		return true, false
	}
	return enabled, true
}

// NoGrad runs f without recording autograd history, like `with torch.no_grad():`. The mode
// belongs to the calling goroutine: other goroutines keep recording, and goroutines that f
// starts record as usual (as threads do in PyTorch). Nested scopes restore the outer mode.
func NoGrad(f func()) { withGradMode(false, f) }

// EnableGrad runs f with autograd recording on, like `with torch.enable_grad():`, even inside
// NoGrad; the mode belongs to the calling goroutine, as for NoGrad.
func EnableGrad(f func()) { withGradMode(true, f) }

func withGradMode(enabled bool, f func()) {
	id := goroutineID()
	s := &gradModes[gradShard(id)]
	s.mu.Lock()
	prev, had := s.modes[id]
	if s.modes == nil {
		s.modes = map[uintptr]bool{}
	}
	s.modes[id] = enabled
	s.mu.Unlock()
	if !had {
		gradScopes.Add(1)
	}
	defer func() {
		s.mu.Lock()
		if had {
			s.modes[id] = prev
		} else {
			delete(s.modes, id)
		}
		s.mu.Unlock()
		if !had {
			gradScopes.Add(-1)
		}
	}()
	f()
}
