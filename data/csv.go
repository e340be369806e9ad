package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/tensor"
)

// CSVOptions configure LoadCSV.
type CSVOptions struct {
	// Target names the label column; empty means the last column.
	Target string
	// NoTarget reads every column as a feature (for prediction inputs).
	NoTarget bool
	// Comma is the field separator (default ',').
	Comma rune
	// MaxRows stops with an error when the file has more data rows (0: no limit).
	MaxRows int
}

// Table is a CSV file read into tensors.
type Table struct {
	Features []string       // feature column names, in file order
	Target   string         // target column name ("" with NoTarget)
	X        *tensor.Tensor // float32 [rows, features]
	// Y holds the targets: float32 [rows] for numeric targets; int64 class indices for text
	// labels, whose names are in Classes (index i is Classes[i], in sorted order).
	Y       *tensor.Tensor
	Classes []string
}

// LoadCSVFile reads a CSV file with a header row; see LoadCSV.
func LoadCSVFile(path string, o CSVOptions) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	defer f.Close()
	t, err := LoadCSV(f, o)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, nil
}

// LoadCSV reads CSV text with a header row into tensors. Feature columns must be numeric;
// the target column may be numeric or text (text labels become class indices). Errors name
// the line and column of the bad value.
func LoadCSV(r io.Reader, o CSVOptions) (*Table, error) {
	cr := csv.NewReader(r)
	if o.Comma != 0 {
		cr.Comma = o.Comma
	}
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("data: csv: the file is empty (a header row is required)")
	}
	if err != nil {
		return nil, fmt.Errorf("data: csv: %w", err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
		if i == 0 {
			header[i] = strings.TrimPrefix(header[i], "\ufeff")
		}
	}
	target := -1
	if !o.NoTarget {
		if len(header) < 2 {
			return nil, fmt.Errorf("data: csv: need at least one feature column and a target column, the header has %d column(s)", len(header))
		}
		target = len(header) - 1
		if o.Target != "" {
			target = slices.Index(header, o.Target)
			if target < 0 {
				return nil, fmt.Errorf("data: csv: target column %q not found; columns are %s", o.Target, strings.Join(header, ", "))
			}
		}
	}
	t := &Table{}
	for i, h := range header {
		if i != target {
			t.Features = append(t.Features, h)
		}
	}
	if target >= 0 {
		t.Target = header[target]
	}
	var xs []float32
	var rawY []string
	rows := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("data: csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(header) {
			return nil, fmt.Errorf("data: csv: line %d has %d fields, the header has %d", line, len(rec), len(header))
		}
		rows++
		if o.MaxRows > 0 && rows > o.MaxRows {
			return nil, fmt.Errorf("data: csv: more than %d data rows", o.MaxRows)
		}
		for i, field := range rec {
			field = strings.TrimSpace(field)
			if i == target {
				rawY = append(rawY, field)
				continue
			}
			v, err := strconv.ParseFloat(field, 64)
			if err != nil || math.IsInf(v, 0) && !strings.Contains(strings.ToLower(field), "inf") {
				return nil, fmt.Errorf("data: csv: line %d, column %d (%q): cannot parse %q as a number", line, i+1, header[i], field)
			}
			xs = append(xs, float32(v))
		}
	}
	if rows == 0 {
		return nil, fmt.Errorf("data: csv: no data rows after the header")
	}
	t.X = tensor.FromSlice(xs, rows, len(t.Features))
	if target < 0 {
		return t, nil
	}
	ys := make([]float32, rows)
	numeric := true
	for i, s := range rawY {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			numeric = false
			break
		}
		ys[i] = float32(v)
	}
	if numeric {
		t.Y = tensor.FromSlice(ys, rows)
		return t, nil
	}
	for _, s := range rawY {
		if s == "" {
			return nil, fmt.Errorf("data: csv: empty label in target column %q", t.Target)
		}
		if !slices.Contains(t.Classes, s) {
			t.Classes = append(t.Classes, s)
		}
	}
	slices.Sort(t.Classes)
	idx := make([]int64, rows)
	for i, s := range rawY {
		idx[i] = int64(slices.Index(t.Classes, s))
	}
	t.Y = tensor.FromSlice(idx, rows)
	return t, nil
}

// WriteCSV writes a header and the rows of a 2-D tensor (values in Go's shortest form).
func WriteCSV(w io.Writer, header []string, x *tensor.Tensor) error {
	if x.Dim() != 2 || x.Size(1) != len(header) {
		return fmt.Errorf("data: write csv: %d header names for a tensor of shape %v", len(header), x.Shape())
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	vals := x.Float64s()
	cols := x.Size(1)
	rec := make([]string, cols)
	bits := 64
	if x.DType() == tensor.Float32 {
		bits = 32
	}
	for r := range x.Size(0) {
		for c := range cols {
			rec[c] = strconv.FormatFloat(vals[r*cols+c], 'g', -1, bits)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
