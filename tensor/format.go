package tensor

import (
	"github.com/ember-ml/ember/backend"

	"fmt"
	"math"
	"strconv"
	"strings"
)

// Printing follows torch._tensor_str with PyTorch's default print options: 4 digits of
// precision, scientific notation when values span more than 10³ or leave [1e-4, 1e8],
// summaries with 3 edge items above 1000 elements, and lines of at most 80 characters.
const (
	printPrecision = 4
	printThreshold = 1000
	printEdge      = 3
	printLineWidth = 80
)

type formatter struct {
	float, intMode, sci bool
	dtype               DType
	width               int
}

func newFormatter(vals []float64, dtype DType) formatter {
	f := formatter{float: dtype.IsFloat(), intMode: true, dtype: dtype, width: 1}
	if !f.float {
		for _, v := range vals {
			f.width = max(f.width, len(f.plain(v)))
		}
		return f
	}
	var finite []float64
	for _, v := range vals {
		if !math.IsInf(v, 0) && !math.IsNaN(v) && v != 0 {
			finite = append(finite, v)
		}
	}
	if len(finite) == 0 {
		return f
	}
	lo, hi := math.Inf(1), 0.0
	for _, v := range finite {
		a := math.Abs(v)
		lo, hi = math.Min(lo, a), math.Max(hi, a)
		if v != math.Ceil(v) {
			f.intMode = false
		}
	}
	switch {
	case f.intMode && (hi/lo > 1000 || hi > 1e8):
		f.sci = true
	case f.intMode:
		for _, v := range finite {
			f.width = max(f.width, len(strconv.FormatFloat(v, 'f', 0, 64))+1)
		}
		return f
	case hi/lo > 1000 || hi > 1e8 || lo < 1e-4:
		f.sci = true
	}
	for _, v := range finite {
		f.width = max(f.width, len(f.plain(v)))
	}
	return f
}

// plain formats v without padding.
func (f formatter) plain(v float64) string {
	switch {
	case f.dtype == Bool:
		if v != 0 {
			return "True"
		}
		return "False"
	case !f.float:
		return strconv.FormatInt(int64(v), 10)
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	case f.sci:
		s := strconv.FormatFloat(v, 'e', printPrecision, 64)
		// Python writes at least two exponent digits, as Go does.
		return s
	case f.intMode:
		return strconv.FormatFloat(v, 'f', 0, 64) + "."
	}
	return strconv.FormatFloat(v, 'f', printPrecision, 64)
}

func (f formatter) format(v float64) string {
	s := f.plain(v)
	if pad := f.width - len(s); pad > 0 {
		s = strings.Repeat(" ", pad) + s
	}
	return s
}

// summarized returns the values that a summarized print shows (edge items of every dim).
func summarized(t *Tensor, summarize bool) []float64 {
	if !summarize || t.Dim() == 0 {
		return t.Float64s()
	}
	n := t.layout.Shape[0]
	if n > 2*printEdge {
		var out []float64
		for i := range printEdge {
			out = append(out, summarized(t.Select(0, i), true)...)
		}
		for i := n - printEdge; i < n; i++ {
			out = append(out, summarized(t.Select(0, i), true)...)
		}
		return out
	}
	var out []float64
	for i := range n {
		out = append(out, summarized(t.Select(0, i), true)...)
	}
	return out
}

func tensorStr(t *Tensor, indent int, summarize bool, f formatter) string {
	switch t.Dim() {
	case 0:
		return f.format(t.Item())
	case 1:
		return vectorStr(t, indent, summarize, f)
	}
	n := t.layout.Shape[0]
	var slices []string
	if summarize && n > 2*printEdge {
		for i := range printEdge {
			slices = append(slices, tensorStr(t.Select(0, i), indent+1, summarize, f))
		}
		slices = append(slices, "...")
		for i := n - printEdge; i < n; i++ {
			slices = append(slices, tensorStr(t.Select(0, i), indent+1, summarize, f))
		}
	} else {
		for i := range n {
			slices = append(slices, tensorStr(t.Select(0, i), indent+1, summarize, f))
		}
	}
	sep := "," + strings.Repeat("\n", t.Dim()-1) + strings.Repeat(" ", indent+1)
	return "[" + strings.Join(slices, sep) + "]"
}

func vectorStr(t *Tensor, indent int, summarize bool, f formatter) string {
	perLine := max(1, (printLineWidth-indent)/(f.width+2))
	vals := t.Float64s()
	var data []string
	if summarize && len(vals) > 2*printEdge {
		for _, v := range vals[:printEdge] {
			data = append(data, f.format(v))
		}
		data = append(data, " ...")
		for _, v := range vals[len(vals)-printEdge:] {
			data = append(data, f.format(v))
		}
	} else {
		for _, v := range vals {
			data = append(data, f.format(v))
		}
	}
	var lines []string
	for i := 0; i < len(data); i += perLine {
		lines = append(lines, strings.Join(data[i:min(i+perLine, len(data))], ", "))
	}
	return "[" + strings.Join(lines, ",\n"+strings.Repeat(" ", indent+1)) + "]"
}

// String formats the tensor like PyTorch's print(t): values with 4 digits, summarised above
// 1000 elements, followed by the dtype when it is not float32 or int64 or bool, and by grad_fn
// or requires_grad when autograd tracks the tensor.
func (t *Tensor) String() string {
	const prefix = "tensor("
	indent := len(prefix)
	var suffixes []string
	var body string
	if backend.IsAbstract(t.bk) {
		// PyTorch: tensor(..., device='meta', size=(2, 3))
		body = "..."
		suffixes = append(suffixes, "device='"+t.Device().String()+"'", "size="+pyTuple(t.layout.Shape))
		if t.DType() != Float32 && t.DType() != Float64 {
			suffixes = append(suffixes, "dtype=torch."+t.DType().String())
		}
	} else if t.Numel() == 0 {
		body = "[]"
		if t.Dim() != 1 {
			suffixes = append(suffixes, "size="+pyTuple(t.layout.Shape))
		}
		if t.DType() != Float32 && t.DType() != Float64 {
			suffixes = append(suffixes, "dtype=torch."+t.DType().String())
		}
	} else {
		summarize := t.Numel() > printThreshold
		f := newFormatter(summarized(t, summarize), t.DType())
		body = tensorStr(t, indent, summarize, f)
	}
	if t.DType() == Float64 {
		suffixes = append(suffixes, "dtype=torch.float64")
	}
	if t.node != nil {
		suffixes = append(suffixes, "grad_fn=<"+t.node.name+">")
	} else if t.requiresGrad {
		suffixes = append(suffixes, "requires_grad=True")
	}
	var b strings.Builder
	b.WriteString(prefix + body)
	last := len(body) - strings.LastIndex(body, "\n") + 1
	if !strings.Contains(body, "\n") {
		last = len(body) + indent + 2
	}
	for _, s := range suffixes {
		if last+len(s)+2 > printLineWidth {
			b.WriteString(",\n" + strings.Repeat(" ", indent) + s)
			last = indent + len(s)
		} else {
			b.WriteString(", " + s)
			last += len(s) + 2
		}
	}
	b.WriteString(")")
	return b.String()
}

func pyTuple(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(parts) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Format makes %v print like String and %d/%s likewise; it exists so fmt verbs behave.
func (t *Tensor) Format(s fmt.State, verb rune) { fmt.Fprint(s, t.String()) }
