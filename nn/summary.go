package nn

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"

	_ "github.com/ember-ml/ember/backend/meta" // Summary runs models on the meta device
	"github.com/ember-ml/ember/tensor"
)

// forwardHook, while Summary runs, receives every built-in module's output.
var forwardHook atomic.Pointer[func(m any, y *tensor.Tensor)]

// observe reports y as m's output to a running Summary and returns it.
func observe(m any, y *tensor.Tensor) *tensor.Tensor {
	if h := forwardHook.Load(); h != nil {
		(*h)(m, y)
	}
	return y
}

// observing reports whether a Summary is recording outputs.
func observing() bool { return forwardHook.Load() != nil }

// summaryMu serialises Summary calls: they share forwardHook.
var summaryMu sync.Mutex

// SummaryRow is one module of a ModelSummary.
type SummaryRow struct {
	Name        string // state-dict prefix, "" for the model itself
	Type        string // PyTorch's class name, e.g. "Conv2d"
	Depth       int    // 0 for the model, 1 for its children, …
	Index       int    // 1-based position among the rows of the same depth
	OutputShape []int  // nil when the module did not run in the forward pass
	Params      int    // parameters held by the module itself, not its children
	TotalParams int    // parameters of the module and its descendants

	module any
}

// ModelSummary is what Summary computes; String formats it as a torchinfo-style table.
type ModelSummary struct {
	Rows               []SummaryRow
	TotalParams        int // distinct parameters (a shared one counts once)
	TrainableParams    int // those that require grad
	NonTrainableParams int
	InputBytes         int
	ParamBytes         int // parameters and buffers
	// ActivationBytes is the memory of a training step's activations: the bytes of every
	// intermediate tensor that the recorded graph of one forward pass keeps alive for the
	// backward pass (each storage once; the input, parameters and views of them excluded;
	// see tensor.GraphBytes). With no parameter requiring grad it is 0.
	ActivationBytes int
}

// Summary runs model on a float32 input of inputShape on the meta device, where tensors have
// shapes but no data, and returns each module's output shape and parameter count with the
// model's totals and memory, like torchinfo.summary(model, input_size). No activation memory
// is allocated, whatever the model's size. During the call the model's parameters and
// buffers are moved to the meta device and then restored, so the model must not be used
// concurrently (other models may: while a Summary runs, Sequential containers elsewhere skip
// their fused path, computing the same numbers). A forward pass that fails (an input of the
// wrong shape) returns an error.
func Summary(model Module, inputShape ...int) (*ModelSummary, error) {
	for _, d := range inputShape {
		if d < 0 {
			return nil, fmt.Errorf("summary: negative dimension in input shape %v", inputShape)
		}
	}
	return SummaryOf(model, tensor.ZerosOn(tensor.Meta, tensor.Float32, inputShape...))
}

// SummaryOf is Summary with an example input, for inputs that are not float32 (token ids of
// an Embedding: tensor.ZerosOn(tensor.Meta, tensor.Int64, 2, 8)). Only the input's shape and
// dtype are used; it is copied to the meta device.
func SummaryOf(model Module, input *tensor.Tensor) (s *ModelSummary, err error) {
	summaryMu.Lock()
	defer summaryMu.Unlock()

	rows, members := summaryRows(model)
	s = &ModelSummary{Rows: rows, InputBytes: input.Numel() * input.DType().Size()}
	seen := map[*tensor.Tensor]bool{}
	for _, p := range NamedParameters(model) {
		if seen[p.Tensor] {
			continue
		}
		seen[p.Tensor] = true
		s.TotalParams += p.Tensor.Numel()
		if p.Tensor.RequiresGrad() {
			s.TrainableParams += p.Tensor.Numel()
		}
	}
	s.NonTrainableParams = s.TotalParams - s.TrainableParams
	for _, t := range NamedTensors(model) {
		s.ParamBytes += t.Tensor.Numel() * t.Tensor.DType().Size()
	}

	restore := toMetaTemporarily(model)
	defer restore()
	outputs := map[any][]int{}
	hook := func(m any, y *tensor.Tensor) {
		if members[m] && outputs[m] == nil && y != nil {
			outputs[m] = y.Shape()
		}
	}
	forwardHook.Store(&hook)
	defer forwardHook.Store(nil)
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("summary: forward pass failed: %v", r)
		}
	}()
	var y *tensor.Tensor
	tensor.EnableGrad(func() { // a training step records the graph, whatever the caller's mode
		y = model.Forward(input.Detach().To(tensor.Meta))
		s.ActivationBytes = tensor.GraphBytes(y)
	})
	for i := range s.Rows {
		if hashable(s.Rows[i].module) {
			s.Rows[i].OutputShape = outputs[s.Rows[i].module]
		}
	}
	s.Rows[0].OutputShape = y.Shape()
	return s, nil
}

// summaryRows lists model and its descendants depth first (PyTorch's named_modules order) and
// the set of those modules.
func summaryRows(model any) ([]SummaryRow, map[any]bool) {
	var rows []SummaryRow
	members := map[any]bool{}
	counters := map[int]int{}
	var visit func(name string, m any, depth int)
	visit = func(name string, m any, depth int) {
		if hashable(m) {
			if members[m] {
				return // a module shared by two parents is listed once, as named_modules does
			}
			members[m] = true
		}
		kind, _ := describe(m)
		own := 0
		ownTensors := NamedParameters(m)
		childParams := map[*tensor.Tensor]bool{}
		for _, c := range childrenOf(m) {
			for _, p := range NamedParameters(c.Module) {
				childParams[p.Tensor] = true
			}
		}
		total := 0
		for _, p := range ownTensors {
			total += p.Tensor.Numel()
			if !childParams[p.Tensor] {
				own += p.Tensor.Numel()
			}
		}
		counters[depth]++
		rows = append(rows, SummaryRow{Name: name, Type: kind, Depth: depth, Index: counters[depth], Params: own, TotalParams: total, module: m})
		prefix := name
		if prefix != "" {
			prefix += "."
		}
		for _, c := range childrenOf(m) {
			visit(prefix+c.Name, c.Module, depth+1)
		}
	}
	visit("", model, 0)
	return rows, members
}

// hashable reports whether m can be a map key (modules are normally pointers).
func hashable(m any) bool { return m != nil && reflect.TypeOf(m).Comparable() }

// toMetaTemporarily moves m's parameters, buffers and gradients to the meta device and
// returns the function that puts the originals back.
func toMetaTemporarily(m any) func() {
	type saved struct {
		t, data, grad *tensor.Tensor
	}
	var all []saved
	seen := map[*tensor.Tensor]bool{}
	for _, e := range NamedTensors(m) {
		t := e.Tensor
		if seen[t] || t.IsMeta() {
			continue
		}
		seen[t] = true
		all = append(all, saved{t, t.Detach(), t.Grad()})
		t.ZeroGrad()
		t.SetData(t.Detach().To(tensor.Meta))
	}
	return func() {
		for _, s := range all {
			s.t.SetData(s.data)
			s.t.SetGrad(s.grad)
		}
	}
}

// String formats the summary like torchinfo: one row per module, indented by depth, with its
// output shape and its own parameter count ("--" for none), then the totals and the memory
// in megabytes (10⁶ bytes).
func (s *ModelSummary) String() string {
	const width = 90
	var b strings.Builder
	line := strings.Repeat("=", width) + "\n"
	b.WriteString(line)
	fmt.Fprintf(&b, "%-40s %-25s %s\n", "Layer (type:depth-idx)", "Output Shape", "Param #")
	b.WriteString(line)
	for _, r := range s.Rows {
		name := r.Type
		if r.Depth > 0 {
			name = fmt.Sprintf("%s%s: %d-%d", treePrefix(r.Depth), r.Type, r.Depth, r.Index)
		}
		shape := "--"
		if r.OutputShape != nil {
			shape = shapeString(r.OutputShape)
		}
		params := "--"
		if r.Params > 0 {
			params = commas(r.Params)
		}
		fmt.Fprintf(&b, "%-40s %-25s %s\n", name, shape, params)
	}
	b.WriteString(line)
	fmt.Fprintf(&b, "Total params: %s\nTrainable params: %s\nNon-trainable params: %s\n",
		commas(s.TotalParams), commas(s.TrainableParams), commas(s.NonTrainableParams))
	b.WriteString(line)
	mb := func(n int) string { return fmt.Sprintf("%.2f", float64(n)/1e6) }
	fmt.Fprintf(&b, "Input size (MB): %s\n", mb(s.InputBytes))
	fmt.Fprintf(&b, "Activations kept for backward (MB): %s\n", mb(s.ActivationBytes))
	fmt.Fprintf(&b, "Params size (MB): %s\n", mb(s.ParamBytes))
	fmt.Fprintf(&b, "Estimated total size (MB): %s\n", mb(s.InputBytes+s.ActivationBytes+s.ParamBytes))
	b.WriteString(line)
	return b.String()
}

// treePrefix draws torchinfo's tree: "├─" at depth 1, "│    └─" at depth 2, and so on.
func treePrefix(depth int) string {
	if depth == 1 {
		return "├─"
	}
	return strings.Repeat("│    ", depth-1) + "└─"
}

func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
