package tensor

import (
	"fmt"

	"github.com/ember-ml/ember/backend"
	"slices"
	"sync/atomic"
)

// node records the op that produced a tensor: its inputs and how to map the output's
// gradient to theirs.
type node struct {
	name     string
	inputs   []*Tensor
	backward func(g *Tensor) []*Tensor // one gradient per input; nil entries mean none
	freed    bool
	inline   [3]*Tensor // backs inputs for ops with up to three inputs
	onFree   func()     // called once when the graph is freed after backward, if set
}

var registered = map[string]bool{}

// defOp registers the grad_fn name of a differentiable op; every registered op must have a
// finite-difference gradient check (a test enforces it).
func defOp(name string) string {
	registered[name] = true
	return name
}

// RegisteredOps returns the grad_fn names of all differentiable ops, sorted.
func RegisteredOps() []string {
	var names []string
	for n := range registered {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// record attaches autograd history to out when an input requires grad and grad mode is on in
// the calling goroutine.
func record(name string, out *Tensor, inputs []*Tensor, backward func(g *Tensor) []*Tensor) *Tensor {
	need := false
	for _, in := range inputs {
		if in != nil && in.requiresGrad {
			need = true
			break
		}
	}
	if !need || !GradEnabled() {
		return out
	}
	out.requiresGrad = true
	n := &node{name: name, backward: backward}
	if len(inputs) <= len(n.inline) {
		n.inputs = append(n.inline[:0], inputs...)
	} else {
		n.inputs = inputs
	}
	out.node = n
	return out
}

// BackwardOption configures Backward.
type BackwardOption func(*backwardConfig)

type backwardConfig struct {
	grad   *Tensor
	retain bool
}

// WithGrad sets the gradient of the output (required for non-scalar outputs), like
// tensor.backward(gradient=g).
func WithGrad(g *Tensor) BackwardOption { return func(c *backwardConfig) { c.grad = g } }

// RetainGraph keeps the graph so Backward can run through it again.
func RetainGraph() BackwardOption { return func(c *backwardConfig) { c.retain = true } }

// Backward computes the gradient of t with respect to every leaf that requires grad and adds it
// to the leaf's Grad. t must be a one-element tensor unless WithGrad gives its gradient.
// The graph is freed afterwards unless RetainGraph is given.
func (t *Tensor) Backward(opts ...BackwardOption) {
	var cfg backwardConfig
	for _, o := range opts {
		o(&cfg)
	}
	if !t.requiresGrad {
		panic("backward: element 0 of tensors does not require grad and does not have a grad_fn")
	}
	g := cfg.grad
	if g == nil {
		if t.Numel() != 1 {
			panic(fmt.Sprintf("backward: grad can be implicitly created only for scalar outputs (shape %v)", t.layout.Shape))
		}
		g = OnesLike(t)
	} else if !sameShape(g.layout.Shape, t.layout.Shape) {
		panic(fmt.Sprintf("backward: gradient shape %v does not match output shape %v", g.layout.Shape, t.layout.Shape))
	}
	if g.requiresGrad || g.node != nil {
		g = g.Detach()
	}
	NoGrad(func() { runBackward(t, g, cfg.retain) })
}

// bwdEpoch numbers Backward passes.
var bwdEpoch atomic.Uint64

// claim makes pass the owner of t's backward scratch (bwdGrad) and reports whether t was not
// yet visited by pass. A tensor owned by another pass means two Backward calls run at once
// through shared tensors (one model trained from two goroutines): that fails loudly rather
// than mixing their gradients.
func (t *Tensor) claim(pass uint64) bool {
	cur := t.bwdPass.Load()
	if cur == pass {
		return false
	}
	if cur != 0 || !t.bwdPass.CompareAndSwap(0, pass) {
		panic("backward: a tensor of this graph is in use by a Backward running in another goroutine; " +
			"training one model, or parameters shared between graphs, from two goroutines at once is not supported")
	}
	t.bwdGrad = nil
	return true
}

// release hands the tensors claimed by a pass back.
func release(ts []*Tensor) {
	for _, t := range ts {
		if t != nil {
			t.bwdGrad = nil
			t.bwdPass.Store(0)
		}
	}
}

func releaseIfOwned(t *Tensor, pass uint64) {
	if t.bwdPass.Load() == pass {
		t.bwdGrad = nil
		t.bwdPass.Store(0)
	}
}

// topoOrder returns the tensors that require grad reachable from root, each after all
// tensors that consume it (reverse post-order of an iterative depth-first search), so the
// order is deterministic and deep graphs cannot overflow the stack. It claims every tensor
// it visits for pass; the caller releases them (it releases them itself if it panics).
func topoOrder(root *Tensor, pass uint64) []*Tensor {
	type frame struct {
		t    *Tensor
		next int
	}
	post := make([]*Tensor, 0, 64)
	stack := make([]frame, 1, 64)
	stack[0] = frame{t: root}
	done := false
	defer func() {
		if !done { // a concurrent pass was found: let go of what this one holds
			for _, f := range stack {
				releaseIfOwned(f.t, pass)
			}
			for _, t := range post {
				releaseIfOwned(t, pass)
			}
		}
	}()
	root.claim(pass)
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		var ins []*Tensor
		if f.t.node != nil {
			ins = f.t.node.inputs
		}
		if f.next < len(ins) {
			in := ins[f.next]
			f.next++
			if in != nil && in.requiresGrad && in.claim(pass) {
				stack = append(stack, frame{t: in})
			}
			continue
		}
		post = append(post, f.t)
		stack = stack[:len(stack)-1]
	}
	done = true
	slices.Reverse(post)
	return post
}

// runBackward propagates g from root. Pending gradients live in each tensor's bwdGrad while
// the pass runs (so the pass allocates no maps); the pass owns the tensors it visits until it
// ends, so concurrent passes through shared tensors panic instead of corrupting each other.
func runBackward(root, g *Tensor, retain bool) {
	order := topoOrder(root, bwdEpoch.Add(1))
	defer release(order)
	root.bwdGrad = g
	// Gradients computed in this pass are fresh tensors or views of other gradients; a leaf
	// may keep one without a copy unless its storage is the caller's (root) or already kept.
	var keptBuf [16]backend.Storage
	kept := append(keptBuf[:0], g.storage)
	for _, u := range order {
		gu := u.bwdGrad
		u.bwdGrad = nil
		if gu == nil {
			continue
		}
		if u.node == nil || u.retainsGrad {
			kept = accumulateGrad(u, gu, kept)
		}
		n := u.node
		if n == nil {
			continue
		}
		if n.freed {
			panic("backward: trying to backward through the graph a second time (or directly access saved tensors after they have already been freed); use RetainGraph() the first time")
		}
		gin := n.backward(gu)
		for j, in := range n.inputs {
			if in == nil || !in.requiresGrad || gin[j] == nil {
				continue
			}
			gi := gin[j]
			if !sameShape(gi.layout.Shape, in.layout.Shape) {
				panic(fmt.Sprintf("backward: %s returned a gradient of shape %v for input %d of shape %v", n.name, gi.layout.Shape, j, in.layout.Shape))
			}
			if gi.DType() != in.DType() {
				gi = gi.To(in.DType())
			}
			if prev := in.bwdGrad; prev != nil {
				gi = prev.Add(gi)
			}
			in.bwdGrad = gi
		}
		if !retain {
			n.freed = true
			n.backward = nil
			n.inputs = nil
			if n.onFree != nil {
				n.onFree()
				n.onFree = nil
			}
		}
	}
}

func accumulateGrad(t, g *Tensor, kept []backend.Storage) []backend.Storage {
	if t.grad != nil {
		t.grad = t.grad.Add(g)
		return kept
	}
	if slices.Contains(kept, g.storage) || !g.coversStorage() || g.node != nil {
		t.grad = g.Clone() // the leaf must own its gradient storage
		return kept
	}
	if g.requiresGrad {
		g = g.Detach()
	}
	t.grad = g
	return append(kept, g.storage)
}

// Attach records out as the result of a differentiable op defined outside this package (a
// fused layer or loss), like torch.autograd.Function: backward receives the gradient of out
// and returns one gradient per input (nil where none). out must be computed without history
// (inside NoGrad or from detached tensors). name appears as out's grad_fn.
func Attach(name string, out *Tensor, inputs []*Tensor, backward func(g *Tensor) []*Tensor) *Tensor {
	if out.node != nil {
		panic("attach: out already has autograd history; compute it inside NoGrad")
	}
	return record(name, out, inputs, backward)
}

// plain returns t, or a view of it without autograd history when it requires grad: ops on it
// record nothing. Ops that compute their result from other ops and attach their own backward
// use it instead of a grad-mode scope, so they never touch the caller's grad mode.
func (t *Tensor) plain() *Tensor {
	if !t.requiresGrad {
		return t
	}
	return t.Detach()
}

// GraphBytes returns the bytes held by the distinct storages of the non-leaf tensors in t's
// recorded graph, t included: the activations that a forward pass keeps alive until Backward
// frees the graph. Storages of leaves (inputs, parameters), and views of them, are not
// counted; nor is scratch memory that fused kernels keep outside the graph.
func GraphBytes(t *Tensor) int {
	seen := map[*Tensor]bool{}
	leaves := map[backend.Storage]bool{}
	inner := map[backend.Storage]bool{}
	stack := []*Tensor{t}
	for len(stack) > 0 {
		u := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if u == nil || seen[u] {
			continue
		}
		seen[u] = true
		if u.node == nil {
			leaves[u.storage] = true
			continue
		}
		inner[u.storage] = true
		stack = append(stack, u.node.inputs...)
	}
	n := 0
	for s := range inner {
		if !leaves[s] {
			n += s.Len() * s.DType().Size()
		}
	}
	return n
}
