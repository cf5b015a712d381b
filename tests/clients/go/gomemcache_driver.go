// Drives Debian's gomemcache (github.com/bradfitz/gomemcache/memcache, text protocol) for
// test_gomemcache.py (the protocol is in driver.py): one JSON request a line,
// [method, arguments...], and one JSON answer a line, {"result": ...} or {"error": the
// error's text}. Values travel as strings.
//
// CompareAndSwap takes an Item that Get or GetMulti returned (its cas id is unexported),
// so the driver keeps the last item it read for each key, and "CompareAndSwap" KEY VALUE
// sends that item with the new value.
//
// "bench" is the client lab's timing loop (bench/compare-clients): VALUE STORED SEQUENCE
// stores VALUE (a list of strings; gomemcache stores bytes, so it is encoded with
// encoding/json, Go's usual way) under every key of STORED, then Gets each key of SEQUENCE
// one call at a time, the call and the decoding of a hit timed alone on Go's monotonic
// clock; it answers {"times_ns": [...], "hits": how many gets found a value}.
//
// Usage: gomemcache_driver SERVER   (host:port, or a UNIX socket's path: gomemcache takes a
// server holding a "/" as a socket)
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/bradfitz/gomemcache/memcache"
)

type item struct {
	Value string `json:"value"`
	Flags uint32 `json:"flags"`
}

type driver struct {
	client *memcache.Client
	read   map[string]*memcache.Item // the last item read per key, for CompareAndSwap
}

func (d *driver) remember(it *memcache.Item) item {
	d.read[it.Key] = it
	return item{string(it.Value), it.Flags}
}

// stored builds the Item of Set, Add and Replace: KEY VALUE [FLAGS [EXPIRATION]].
func stored(a []interface{}) *memcache.Item {
	it := &memcache.Item{Key: str(a[0]), Value: []byte(str(a[1]))}
	if len(a) > 2 {
		it.Flags = uint32(num(a[2]))
	}
	if len(a) > 3 {
		it.Expiration = int32(num(a[3]))
	}
	return it
}

func strs(v interface{}) []string {
	var out []string
	for _, s := range v.([]interface{}) {
		out = append(out, str(s))
	}
	return out
}

func (d *driver) bench(value []string, stored, sequence []string) (interface{}, error) {
	encoded, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	for _, k := range stored {
		if err := d.client.Set(&memcache.Item{Key: k, Value: encoded}); err != nil {
			return nil, fmt.Errorf("bench: storing %q: %w", k, err)
		}
	}
	times := make([]int64, 0, len(sequence))
	hits := 0
	for _, k := range sequence {
		start := time.Now()
		it, err := d.client.Get(k)
		if err == nil {
			var decoded []string
			err = json.Unmarshal(it.Value, &decoded)
			hits++
		}
		times = append(times, int64(time.Since(start)))
		if err != nil && err != memcache.ErrCacheMiss {
			return nil, err
		}
	}
	return map[string]interface{}{"times_ns": times, "hits": hits}, nil
}

func (d *driver) call(method string, a []interface{}) (interface{}, error) {
	c := d.client
	switch method {
	case "bench":
		return d.bench(strs(a[0]), strs(a[1]), strs(a[2]))
	case "Get":
		it, err := c.Get(str(a[0]))
		if err != nil {
			return nil, err
		}
		return d.remember(it), nil
	case "GetMulti":
		var keys []string
		for _, k := range a[0].([]interface{}) {
			keys = append(keys, str(k))
		}
		found, err := c.GetMulti(keys)
		out := map[string]item{}
		for k, it := range found {
			out[k] = d.remember(it)
		}
		return out, err
	case "Set":
		return true, c.Set(stored(a))
	case "Add":
		return true, c.Add(stored(a))
	case "Replace":
		return true, c.Replace(stored(a))
	case "CompareAndSwap":
		it, ok := d.read[str(a[0])]
		if !ok {
			return nil, fmt.Errorf("driver: no item read for %q", str(a[0]))
		}
		it.Value = []byte(str(a[1]))
		return true, c.CompareAndSwap(it)
	case "Increment":
		return c.Increment(str(a[0]), num(a[1]))
	case "Decrement":
		return c.Decrement(str(a[0]), num(a[1]))
	case "Touch":
		return true, c.Touch(str(a[0]), int32(num(a[1])))
	case "Delete":
		return true, c.Delete(str(a[0]))
	case "DeleteAll":
		return true, c.DeleteAll()
	case "FlushAll":
		return true, c.FlushAll()
	}
	return nil, fmt.Errorf("driver: unknown method %q", method)
}

func str(v interface{}) string { return v.(string) }

// num reads a JSON number as the uint64 the deltas need (json.Number keeps all 64 bits);
// a negative one (an expiration in the past) wraps, and int32() gives it back.
func num(v interface{}) uint64 {
	n := v.(json.Number)
	if u, err := n.Int64(); err == nil {
		return uint64(u)
	}
	var u uint64
	fmt.Sscan(n.String(), &u)
	return u
}

func main() {
	d := &driver{client: memcache.New(os.Args[1]), read: map[string]*memcache.Item{}}
	// gomemcache's default timeout is 100 ms a read or write: a loaded test machine needs
	// more, and the test's own deadline (driver.py) is what catches a hang.
	d.client.Timeout = 5 * time.Second
	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for {
		line, err := in.ReadBytes('\n')
		if len(line) == 0 && err != nil {
			return
		}
		var request []interface{}
		decoder := json.NewDecoder(bytes.NewReader(line))
		decoder.UseNumber()
		answer := map[string]interface{}{}
		if err := decoder.Decode(&request); err != nil {
			answer["error"] = "driver: " + err.Error()
		} else if result, err := d.call(str(request[0]), request[1:]); err != nil {
			answer["error"] = err.Error()
		} else {
			answer["result"] = result
		}
		encoded, _ := json.Marshal(answer)
		out.Write(append(encoded, '\n'))
		out.Flush()
	}
}
