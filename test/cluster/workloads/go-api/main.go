// Catalog API: a plain net/http server on $PORT with its own load generator, and the standard
// net/http/pprof handlers on $PPROF_PORT (6060), as many Go services ship them.
// Leak: every rendered page is kept in `renderedPages`, keyed by request id, "for replay on
// retry"; ids never repeat, so the map only grows. Beside it, a lookup table of
// LOOKUP_TABLE_MB MiB is filled once at start and never grows: big, but not a leak.
package main

import (
	"fmt"
	"log"
	"math/rand"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

var (
	port              = envInt("PORT", 8080)
	pprofPort         = envInt("PPROF_PORT", 6060)
	leakKB            = envInt("LEAK_KB_PER_REQUEST", 16)
	pageKB            = orDefault(leakKB, 16) // the healthy build (0) renders the same pages
	maxEntries        = envInt("RESPONSE_CACHE_MAX_ENTRIES", map[bool]int{true: 0, false: 100}[leakKB > 0])
	requestsPerSecond = envInt("REQUESTS_PER_SECOND", 10)
	lookupTableMB     = envInt("LOOKUP_TABLE_MB", 24)
)

var (
	mu            sync.Mutex
	renderedPages = map[string][]byte{}
	pageOrder     []string
	lookupTable   [][]byte
)

func envInt(name string, fallback int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return fallback
}

func orDefault(v, fallback int) int {
	if v > 0 {
		return v
	}
	return fallback
}

// buildLookupTable fills the table once: 1 MiB rows, all touched.
func buildLookupTable() {
	for i := 0; i < lookupTableMB; i++ {
		row := make([]byte, 1<<20)
		for j := range row {
			row[j] = byte(i + j)
		}
		lookupTable = append(lookupTable, row)
	}
}

func renderPage(id int) []byte {
	page := make([]byte, 0, pageKB<<10)
	for len(page)+64 <= cap(page) {
		page = append(page, fmt.Sprintf("{\"item\":%d,\"at\":%d,\"kind\":\"view\"}", id, time.Now().UnixNano())...)
	}
	return page
}

func remember(requestID string, page []byte) {
	mu.Lock()
	defer mu.Unlock()
	renderedPages[requestID] = page
	pageOrder = append(pageOrder, requestID)
	// 0 = unbounded, the leak.
	if maxEntries > 0 && len(pageOrder) > maxEntries {
		delete(renderedPages, pageOrder[0])
		pageOrder = pageOrder[1:]
	}
}

func handleItem(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/items/"))
	if err != nil {
		http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
		return
	}
	requestID := r.Header.Get("X-Request-Id")
	mu.Lock()
	cached, ok := renderedPages[requestID]
	mu.Unlock()
	if ok {
		w.Write(cached)
		return
	}
	page := renderPage(id)
	if requestID != "" {
		remember(requestID, page)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(page)
}

func startLoad() {
	if requestsPerSecond <= 0 {
		return
	}
	client := &http.Client{Timeout: 5 * time.Second}
	tick := time.NewTicker(time.Second / time.Duration(requestsPerSecond))
	n := 0
	for range tick.C {
		n++
		req, _ := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d/items/%d", port, 1+rand.Intn(500)), nil)
		req.Header.Set("X-Request-Id", fmt.Sprintf("%d-%d", time.Now().UnixNano(), n))
		go func() {
			if res, err := client.Do(req); err == nil {
				res.Body.Close()
			}
		}()
	}
}

func main() {
	buildLookupTable()
	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(`{"status":"ok"}`)) })
	mux.HandleFunc("/items/", handleItem)
	// net/http/pprof registers on the default mux: served on its own port only.
	go func() { log.Println(http.ListenAndServe(fmt.Sprintf("0.0.0.0:%d", pprofPort), nil)) }()
	server := &http.Server{Addr: fmt.Sprintf("0.0.0.0:%d", port), Handler: mux}
	go func() {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGTERM)
		<-stop
		log.Println("catalog api stopping")
		os.Exit(0)
	}()
	log.Printf("catalog api listening on :%d, pprof on :%d (pid %d)", port, pprofPort, os.Getpid())
	go startLoad()
	log.Fatal(server.ListenAndServe())
}
