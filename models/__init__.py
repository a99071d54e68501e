"""Tables and the domain rules that belong to them; imports neither views nor scheduler, nor litestar."""
