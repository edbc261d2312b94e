# preload_libraries.py: only a definition, composed before the program that calls it (the import
# check's check_list.py, the candidate's candidate_hook.py). libraries(): the modules loaded from
# the interpreter's and the venv's folders, never from the release (the working folder): the app's
# own code must be imported fresh by every new worker, or a reload would serve old code.
# No dollar sign and no percent sign here: the candidate's hook crosses systemd-run's command line.
def libraries():
    import os, sys
    release = os.path.realpath(os.getcwd()) + os.sep
    roots = tuple({os.path.realpath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
    names = []
    for name, mod in list(sys.modules.items()):
        f = getattr(mod, "__file__", None)
        if name == "__main__" or not isinstance(f, str):
            continue
        f = os.path.realpath(f)
        if f.startswith(roots) and not f.startswith(release):
            names.append(name)
    return names
