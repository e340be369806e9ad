package cli

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/ember-ml/ember/train"
)

// A training log (--log) holds one record per epoch: epoch (1-based), fold (with --cv only),
// train_loss, val_loss (absent without validation), the metrics as train_<name> and
// val_<name>, lr (the learning rate the epoch ran with) and seconds. A .csv file has these
// as columns under a header row, empty where a value is missing; any other file holds one
// JSON object per line, with null for a non-finite value. Runs append to the same file; a
// record whose epoch does not follow the previous one (or whose fold differs) starts a new
// run.

// runLog appends epoch records to a log file, each as one write of whole lines, so a log
// cut short by a crash ends on a complete record.
type runLog struct {
	f    *os.File
	path string
	csv  bool
	fold int      // the cross-validation fold (1-based) records carry; 0: none
	cols []string // CSV columns: the file's header, or the first record's
}

// openRunLog opens path for appending, creating it if missing.
func openRunLog(path string) (*runLog, error) {
	l := &runLog{path: path, csv: strings.EqualFold(filepath.Ext(path), ".csv")}
	if l.csv {
		if f, err := os.Open(path); err == nil {
			line, err := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if err != nil && !errors.Is(err, io.EOF) {
				return nil, fmt.Errorf("--log %s: %w", path, err)
			}
			if line = strings.TrimRight(line, "\r\n"); line != "" {
				l.cols = strings.Split(line, ",")
			}
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("--log: %w", err)
	}
	l.f = f
	return l, nil
}

// Close closes the file.
func (l *runLog) Close() error { return l.f.Close() }

// fields returns an epoch's record as names and values, in the log's order.
func (l *runLog) fields(e train.Epoch) ([]string, []float64) {
	names := []string{"epoch"}
	vals := []float64{float64(e.Epoch)}
	if l.fold > 0 {
		names, vals = append(names, "fold"), append(vals, float64(l.fold))
	}
	names, vals = append(names, "train_loss"), append(vals, e.TrainLoss)
	if !math.IsNaN(e.ValLoss) {
		names, vals = append(names, "val_loss"), append(vals, e.ValLoss)
	}
	keys := make([]string, 0, len(e.Metrics))
	for k := range e.Metrics {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		names, vals = append(names, k), append(vals, e.Metrics[k])
	}
	names = append(names, "lr", "seconds")
	vals = append(vals, e.LR, e.Duration.Seconds())
	return names, vals
}

func formatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// record appends one epoch's record; it is train.Config's OnEpoch.
func (l *runLog) record(e train.Epoch) error {
	names, vals := l.fields(e)
	var b bytes.Buffer
	if l.csv {
		if l.cols == nil {
			l.cols = names
			b.WriteString(strings.Join(names, ",") + "\n")
		} else if !slices.Equal(l.cols, names) {
			return fmt.Errorf("--log %s has the columns %s, but this run logs %s: use another file", l.path, strings.Join(l.cols, ","), strings.Join(names, ","))
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte(',')
			}
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				b.WriteString(formatValue(v))
			}
		}
	} else {
		b.WriteByte('{')
		for i, n := range names {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q:", n)
			if v := vals[i]; math.IsNaN(v) || math.IsInf(v, 0) {
				b.WriteString("null")
			} else {
				b.WriteString(formatValue(v))
			}
		}
		b.WriteByte('}')
	}
	b.WriteByte('\n')
	if _, err := l.f.Write(b.Bytes()); err != nil {
		return fmt.Errorf("--log: %w", err)
	}
	return nil
}

// logRun is one training run read back from a log.
type logRun struct {
	name string
	hist *train.History
}

// readRunLog reads a log written with --log and returns its runs, named after the file.
// Errors name the file and line.
func readRunLog(path string) ([]logRun, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read log: %w", err)
	}
	defer f.Close()
	var recs []logRecord
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		recs, err = readCSVLog(path, f)
	} else {
		recs, err = readJSONLog(path, f)
	}
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: no epoch records", path)
	}
	var runs []logRun
	var cur *train.History
	prevEpoch, prevFold := 0, -1
	var folds []int
	for _, r := range recs {
		if cur == nil || r.fold != prevFold || r.epoch.Epoch <= prevEpoch {
			cur = &train.History{}
			runs = append(runs, logRun{hist: cur})
			folds = append(folds, r.fold)
		}
		cur.Epochs = append(cur.Epochs, r.epoch)
		prevEpoch, prevFold = r.epoch.Epoch, r.fold
	}
	base := filepath.Base(path)
	for i := range runs {
		switch {
		case folds[i] > 0:
			runs[i].name = fmt.Sprintf("%s fold %d", base, folds[i])
		case len(runs) > 1:
			runs[i].name = fmt.Sprintf("%s #%d", base, i+1)
		default:
			runs[i].name = base
		}
	}
	return runs, nil
}

// logRecord is one parsed record.
type logRecord struct {
	epoch train.Epoch
	fold  int
}

// newRecord builds a record from named values (NaN: missing), checking the required ones.
func newRecord(vals map[string]float64) (logRecord, error) {
	r := logRecord{epoch: train.Epoch{ValLoss: math.NaN(), Metrics: map[string]float64{}}}
	ep, ok := vals["epoch"]
	if !ok || math.IsNaN(ep) || ep < 1 || ep != math.Trunc(ep) || ep > 1e9 {
		return r, fmt.Errorf("want an \"epoch\" of 1, 2, …")
	}
	r.epoch.Epoch = int(ep)
	if tl, ok := vals["train_loss"]; ok {
		r.epoch.TrainLoss = tl
	} else {
		return r, fmt.Errorf("no \"train_loss\"")
	}
	for k, v := range vals {
		switch k {
		case "epoch", "train_loss":
		case "fold":
			if v < 1 || v != math.Trunc(v) || v > 1e6 {
				return r, fmt.Errorf("\"fold\" must be 1, 2, …, got %v", v)
			}
			r.fold = int(v)
		case "val_loss":
			r.epoch.ValLoss = v
		case "lr":
			r.epoch.LR = v
		case "seconds":
		default:
			if !math.IsNaN(v) {
				r.epoch.Metrics[k] = v
			}
		}
	}
	return r, nil
}

func readJSONLog(path string, r io.Reader) ([]logRecord, error) {
	var recs []logRecord
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(text), &raw); err != nil {
			return nil, fmt.Errorf("%s:%d: not a JSON object: %v", path, line, err)
		}
		vals := map[string]float64{}
		for k, v := range raw {
			if string(v) == "null" {
				vals[k] = math.NaN()
				continue
			}
			var x float64
			if err := json.Unmarshal(v, &x); err != nil {
				return nil, fmt.Errorf("%s:%d: %q is %s, want a number or null", path, line, k, v)
			}
			vals[k] = x
		}
		rec, err := newRecord(vals)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return recs, nil
}

func readCSVLog(path string, r io.Reader) ([]logRecord, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = 0 // every row as long as the header
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty file", path)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	if !slices.Contains(header, "epoch") || !slices.Contains(header, "train_loss") {
		return nil, fmt.Errorf("%s:1: the header %q lacks the epoch and train_loss columns", path, strings.Join(header, ","))
	}
	var recs []logRecord
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		vals := map[string]float64{}
		for i, cell := range row {
			cell = strings.TrimSpace(cell)
			if cell == "" {
				if header[i] != "val_loss" {
					vals[header[i]] = math.NaN()
				}
				continue
			}
			x, err := strconv.ParseFloat(cell, 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s = %q is not a number", path, line, header[i], cell)
			}
			vals[header[i]] = x
		}
		rec, err := newRecord(vals)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		recs = append(recs, rec)
	}
	return recs, nil
}
