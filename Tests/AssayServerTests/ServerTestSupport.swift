// Support for the server tests: real `assay serve` child processes on 127.0.0.1.
import Foundation
